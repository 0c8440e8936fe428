"""The queries of a build, by stage: each wraps a pure stage of the pipeline, asking the
layer (query.py) for what the stage is made of, so that caching lives around the stages and
not in them."""
