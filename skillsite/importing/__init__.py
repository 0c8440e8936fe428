"""``skillsite import``: articles of other generators and saved forum posts, as skillsite drafts.

One module per concern: ``source`` reads a file and tells its generator; ``forum`` reads a
saved forum post; ``fields`` maps front matter; ``liquid``, ``shortcodes``, ``mdx`` and
``callouts`` convert template syntax (never inside code, see ``body``) into what ``blocks``
writes; ``assets`` and ``links`` bring files along and point links at their new places;
``plan`` works the whole import out, ``write`` writes it, ``report`` says what it did.
"""
