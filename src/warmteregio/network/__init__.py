"""The regional network (issue 7): pure helpers for the directory, meetings and workshops, the knowledge base,
questions and answers and the information-needs inventory.

Nothing here touches the database or the web: :mod:`warmteregio.services` stores and loads, this package decides
and formats (vocabularies, Dutch full-text normalisation and stemming, upload checks, safe Markdown, iCalendar,
e-mail messages, questionnaire aggregation and charts, related-item scoring).
"""
