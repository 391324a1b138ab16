"""Provenance: what a synthetic table is, how it was made, and proof of both.

One module per responsibility: :mod:`record` (the provenance record dict), :mod:`cell` (the
provenance code cell), :mod:`reproduce` (re-create or confirm a table), :mod:`datasheet` (the
Markdown datasheet), :mod:`croissant`, :mod:`prov_json`, :mod:`signing`, :mod:`manifest`,
:mod:`export` and :mod:`verify`. Nothing here touches the notebook.
"""
