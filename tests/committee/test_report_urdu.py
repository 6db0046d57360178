"""The quarterly report in Urdu: the same frozen snapshot, worded at render time, right to left,
set in Noto Nastaliq Urdu embedded in the PDF; e-mail in each recipient's language.

The reports the tests read are generated once for the module (tests.shared_rows).
"""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from django.utils import translation
from pypdf import PdfReader

from agencies.models import User
from committee.labels import severity_label, status_label
from committee.models import QuarterlyReport
from committee.reports import generation, render_pdf, services
from interventions.models import Policy
from tests.committee.reports import Q3, seed_quarter
from tests.factories import user_with_role
from tests.shared_rows import shared_rows, use_shared_files

pytestmark = pytest.mark.django_db
URDU = re.compile(r"[\u0600-\u06FF]")
Role = User.Role


def _generate(secretary, language):
    nisp = Policy.objects.get(code="NISP-2018")
    report = services.report_request(user=secretary, quarter=Q3, policy=nisp, language=language)
    return generation.report_generate(report.pk)


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker, tmp_path_factory):
    """The quarter seeded and its report generated once in each language, for the module."""
    with shared_rows(django_db_blocker, tmp_path_factory, "report-urdu") as folder:
        secretary = user_with_role(
            Role.COMMITTEE_SECRETARY, username="secretary", email="secretary@acis.gov.pk"
        )
        seed_quarter()
        reports = {language: _generate(secretary, language).pk for language in ("ur", "en-gb")}
        yield {"folder": folder, "secretary": secretary.pk, "reports": reports}


@pytest.fixture
def secretary(db, shared, settings):
    use_shared_files(settings, shared["folder"])
    return User.objects.get(pk=shared["secretary"])


@pytest.fixture
def report_in(secretary, shared):
    """The report as generated in the language."""
    return lambda language: QuarterlyReport.objects.get(pk=shared["reports"][language])


def _fonts(reader: PdfReader) -> dict[str, bool]:
    """Each font the PDF uses, and whether its glyphs are embedded in the file."""
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


def test_an_urdu_report_pdf_is_written_in_urdu_with_nastaliq_embedded(report_in):
    report = report_in("ur")
    assert report.state == "done"
    reader = PdfReader(report.pdf.open("rb"))
    text = "".join(page.extract_text() for page in reader.pages)
    assert URDU.search(text), "no Urdu letters in the PDF's text"
    assert "ہ" in text or "ے" in text  # the letters DejaVu lacks
    nastaliq = {name: embedded for name, embedded in _fonts(reader).items() if "Nastaliq" in name}
    assert nastaliq, f"Noto Nastaliq Urdu is not used: {sorted(_fonts(reader))}"
    assert all(nastaliq.values()), "Noto Nastaliq Urdu is used but not embedded"


def test_the_snapshot_holds_keys_and_the_files_carry_urdu_headers(report_in):
    report = report_in("ur")
    assert all(set(status) == {"key"} for status in report.snapshot["statuses"])
    assert all(isinstance(r, dict) for e in report.snapshot["attention"] for r in e["reasons"])
    header = next(csv.reader(io.StringIO(report.csv.open("rb").read().decode("utf-8-sig"))))
    assert header[:3] == ["پالیسی", "حوالہ", "متن"]  # Policy, Ref, Text
    workbook = openpyxl.load_workbook(report.xlsx.open("rb"), read_only=True)
    summary = list(workbook["Summary"].iter_rows(values_only=True))
    assert summary[0] == ("صورتِ حال", "نکات", "تناسب (%)")
    assert "تاخیر کا شکار" in [row[0] for row in summary]  # Delayed


def test_an_english_report_reads_as_before(report_in):
    report = report_in("en-gb")
    reader = PdfReader(report.pdf.open("rb"))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Quarterly progress report" in text
    assert not URDU.search(text)
    header = next(csv.reader(io.StringIO(report.csv.open("rb").read().decode("utf-8-sig"))))
    assert header[:3] == ["Policy", "Ref", "Text"]


def test_policy_texts_are_marked_english_only_inside_the_urdu_report(report_in):
    """Inside Urdu (right to left) an item's own English words need their direction; in an
    English report the same wrapper would only be one more box a line for WeasyPrint."""
    marked = '<span lang="en" dir="ltr">'
    for language, expected in (("ur", True), ("en-gb", False)):
        report = report_in(language)
        with translation.override(report.language):
            html = render_pdf.pdf_html(report, report.snapshot)
            status = status_label(report.snapshot["annex"][0]["status"])
        first = report.snapshot["annex"][0]
        start = f"<p>{first['policy']} {first['ref']} · {status}"
        annex = html.split('<h2 class="part" id="annex">', 1)[1]
        line = start + annex.split(start, 1)[1].split("</p>", 1)[0]
        # The text ends the line (a long line loses the end of its text, not its status).
        text = line.rsplit(" · ", 1)[1]
        assert first["text"][:40] in text
        assert text.startswith(marked) is expected
        assert (html.count(marked) >= len(report.snapshot["annex"])) is expected
        assert (marked in html) is expected


def test_the_exception_annex_ranks_every_exception_in_the_reports_words(report_in):
    for language in ("ur", "en-gb"):
        report = report_in(language)
        exceptions = report.snapshot["exceptions"]["all"]
        with translation.override(report.language):
            html = render_pdf.pdf_html(report, report.snapshot)
            severities = [severity_label(entry["severity"]) for entry in exceptions]
        annex = html.split('id="annex-exceptions"', 1)[1].split('id="annex"', 1)[0]
        lines = re.findall(r"<p>(\d+)\. ([^<]*)</p>", annex)
        assert len(lines) == len(exceptions) > 0
        assert [int(rank) for rank, _ in lines] == list(range(1, len(exceptions) + 1))
        assert [text.split(" · ")[2] for _, text in lines] == severities
        assert bool(URDU.search(severities[0])) is (language == "ur")


def test_the_report_ready_mail_goes_in_each_recipients_language(
    secretary, mailoutbox, django_capture_on_commit_callbacks
):
    user_with_role(Role.COMMITTEE_MEMBER, username="m.ur", email="ur@acis.gov.pk", language="ur")
    with django_capture_on_commit_callbacks(execute=True):
        _generate(secretary, "en-gb")
    mails = {mail.to[0]: mail for mail in mailoutbox}
    assert "is ready" in mails["secretary@acis.gov.pk"].subject
    assert "تیار ہے" in mails["ur@acis.gov.pk"].subject
    assert "مشاورتی کمیٹی" in mails["ur@acis.gov.pk"].body


def test_a_report_in_an_unknown_language_is_refused(secretary):
    nisp = Policy.objects.get(code="NISP-2018")
    with pytest.raises(services.ValidationError):
        services.report_request(user=secretary, quarter=Q3, policy=nisp, language="fr")
