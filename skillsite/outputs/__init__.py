"""Output stages: each turns the Site into OutputFile values, writing nothing."""
