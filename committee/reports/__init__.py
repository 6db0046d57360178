"""The Advisory Committee's quarterly progress report: its versions, generation and formats.

`services` holds every write (request, generate, rerun, sign off, schedule); the `render_*`
modules turn a report's frozen snapshot into a PDF, an XLSX workbook and a CSV annex.
"""
