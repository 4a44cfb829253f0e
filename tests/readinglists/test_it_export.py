import csv
import io

from django.urls import reverse

from apps.core.csv_export import csv_safe
from tests.readinglists.factories import ItemFactory


def test_csv_export_neutralises_formulas(client, cast):
    ItemFactory(
        reading_list=cast.reading_list,
        title='=HYPERLINK("http://evil.example","click")',
        authors=["+cmd|' /C calc'!A0", "@SUM(1+1)"],
        venue="-2+3",
    )
    client.force_login(cast.owner)
    response = client.get(reverse("readinglists:export_csv", args=[cast.reading_list.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["position", "kind", "title"]
    evil = next(r for r in rows if "HYPERLINK" in r[2])
    assert evil[2].startswith("'=")
    assert evil[3].startswith("'+")
    assert evil[5] == "'-2+3"
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@"))


def test_csv_safe_leaves_ordinary_text_alone():
    assert csv_safe("Attention is all you need") == "Attention is all you need"
    assert csv_safe(None) == ""
    assert csv_safe("\t=1") == "'\t=1"


def test_bibtex_export_downloads_a_bib_file(client, cast):
    ItemFactory(reading_list=cast.reading_list, title="Schölkopf's kernels", doi="10.1234/k")
    client.force_login(cast.sharing_mentor)
    response = client.get(reverse("readinglists:export_bibtex", args=[cast.reading_list.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="owners-private-list.bib"'
    body = response.content.decode()
    assert "doi = {10.1234/k}" in body
    assert body.count("@") == 4
