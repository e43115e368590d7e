"""`outreach leads import FILE.csv` and `outreach leads export` over real HTTP: encodings,
delimiters, header synonyms, --map, idempotent re-runs, the error CSV, malformed files,
batches, the export round-trip, and the API key never shown."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import pytest

from outreach.leads import csvio
from tests.leads_cli.conftest import Tenant, write

pytestmark = pytest.mark.usefixtures("served")


def _refused(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


async def test_bom_semicolons_synonyms_and_custom_fields(tenant: Tenant, cli, tmp_path) -> None:
    text = (
        "\ufeffE-mail;First Name;Last name;Company Name;Job Title;LinkedIn;Time zone;"
        "Deal size;Notes\n"
        "ada@acme.com;Ada;Lovelace;Acme;CTO;https://linkedin.com/in/ada;Europe/London;12k;\n"
        "Bob@Beta.com;Bob;;Beta;;;;;likes tea\n"
        "\n"
    )
    path = write(tmp_path / "crm.csv", text)
    r = await cli("leads", "import", str(path), "--campaign", tenant.campaign_id)
    assert r.code == 0, r.err
    s = r.json()
    assert (s["rows"], s["sent"], s["batches"], s["delimiter"]) == (2, 2, 1, ";")
    assert s["encoding"] == "utf-8-sig"
    assert s["counts"] == {
        "created": 2,
        "existing": 0,
        "suppressed": 0,
        "invalid": 0,
        "duplicateInPayload": 0,
    }
    assert s["refused"] == 0 and s["errorsFile"] is None
    assert not (tmp_path / "crm.csv.refused.csv").exists()
    ada, bob = await tenant.leads()
    assert (ada.email, ada.first_name, ada.last_name, ada.company, ada.role) == (
        "ada@acme.com",
        "Ada",
        "Lovelace",
        "Acme",
        "CTO",
    )
    assert (ada.linkedin_url, ada.timezone) == ("https://linkedin.com/in/ada", "Europe/London")
    assert ada.custom_fields == {"Deal_size": "12k"}  # the empty Notes cell is omitted
    assert bob.email == "bob@beta.com" and bob.last_name is None and bob.role is None
    assert bob.custom_fields == {"Notes": "likes tea"}
    assert "batch 1: 2/2 rows (100%)" in r.err and "rows/s" in r.err


async def test_cp1252_tabs_and_map(tenant: Tenant, cli, tmp_path) -> None:
    text = "Courriel\tPrénom\tSociété\tIgnored\nzoe@acme.com\tZoé\tCafé SA\tx\n"
    path = write(tmp_path / "fr.tsv", text, "cp1252")
    r = await cli(
        "leads",
        "import",
        str(path),
        "--campaign",
        tenant.campaign_id,
        "--map",
        "Courriel=email, prénom=firstName,Société=company,Ignored=-",
    )
    assert r.code == 0, r.err
    s = r.json()
    assert (s["encoding"], s["delimiter"], s["counts"]["created"]) == ("cp1252", "\t", 1)
    (zoe,) = await tenant.leads()
    assert (zoe.first_name, zoe.company, zoe.custom_fields) == ("Zoé", "Café SA", {})


async def test_rerun_is_all_existing_and_refused_rows_are_reported(
    tenant: Tenant, cli, tmp_path, db
) -> None:
    from outreach.suppressions.service import domain_of  # noqa: F401 - the module exists

    async with httpx.AsyncClient(base_url=csvio._base_url(_url()), timeout=10) as http:
        r = await http.post(
            "/suppressions",
            headers={"Authorization": f"Bearer {tenant.key}"},
            json={"domains": ["blocked.com"]},
        )
        assert r.status_code == 200, r.text
    rows = [
        "email,firstName",
        "one@acme.com,One",
        "not-an-address,Broken",
        "ONE@acme.com,Again",
        "x@blocked.com,Blocked",
        "two@acme.com,Two,extra",
        ",NoEmail",
        "three@acme.com,Three",
    ]
    path = write(tmp_path / "mixed.csv", "\n".join(rows) + "\n")
    errors = tmp_path / "out" / "refused.csv"
    errors.parent.mkdir()
    r = await cli(
        "leads", "import", str(path), "--campaign", tenant.campaign_id, "--errors", str(errors)
    )
    assert r.code == 0, r.err
    s = r.json()
    assert s["counts"] == {
        "created": 2,
        "existing": 0,
        "suppressed": 1,
        "invalid": 2,
        "duplicateInPayload": 1,
    }
    assert (s["rows"], s["sent"], s["malformed"], s["refused"]) == (7, 6, 1, 5)
    assert s["errorsFile"] == str(errors)
    assert "line 6: malformed_row: 3 fields, the header has 2; refused" in r.err
    refused = _refused(errors)
    by_line = {int(x["line"]): x for x in refused}
    assert sorted(by_line) == [3, 4, 5, 6, 7]
    assert by_line[3]["status"] == "invalid" and by_line[3]["email"] == "not-an-address"
    assert by_line[3]["reason"]
    assert by_line[4]["status"] == "duplicate_in_payload" and by_line[4]["firstName"] == "Again"
    assert by_line[5]["status"] == "suppressed"
    assert by_line[6]["status"] == "malformed" and None in by_line[6]  # the extra cell
    assert by_line[7]["status"] == "invalid" and by_line[7]["firstName"] == "NoEmail"
    assert [x.email for x in await tenant.leads()] == ["one@acme.com", "three@acme.com"]

    again = await cli(
        "leads", "import", str(path), "--campaign", tenant.campaign_id, "--errors", str(errors)
    )
    assert again.code == 0, again.err
    # The same Idempotency-Keys: the stored answer, so the same counts and no new lead.
    assert again.json()["counts"] == s["counts"]
    assert len(await tenant.leads()) == 2
    # Another batch size: new keys, judged again: the leads exist.
    third = await cli(
        "leads",
        "import",
        str(path),
        "--campaign",
        tenant.campaign_id,
        "--batch",
        "2",
        "--errors",
        str(errors),
    )
    assert third.code == 0, third.err
    t = third.json()
    # "ONE@" is now in another batch than "one@": existing, not a duplicate in the payload.
    assert t["batches"] == 3 and t["counts"] == {
        "created": 0,
        "existing": 3,
        "suppressed": 1,
        "invalid": 2,
        "duplicateInPayload": 0,
    }
    assert len(await tenant.leads()) == 2


def _url() -> str:
    import os

    return os.environ["OUTREACH_API_URL"]


async def test_unterminated_quote_names_the_line_and_sends_nothing(
    tenant: Tenant, cli, tmp_path
) -> None:
    text = 'email,company\na@acme.com,Acme\nb@acme.com,"Beta\nc@acme.com,Gamma\n'
    path = write(tmp_path / "broken.csv", text)
    r = await cli("leads", "import", str(path), "--campaign", tenant.campaign_id)
    assert r.code == 1
    assert r.err.startswith("outreach: error: line 3: malformed CSV: a quote opened here")
    assert "nothing was sent" in r.err and r.err.count("\n") == 1
    assert r.json()["sent"] == 0
    assert await tenant.leads() == []


async def test_no_email_column(tenant: Tenant, cli, tmp_path) -> None:
    path = write(tmp_path / "names.csv", "name,company\nAda,Acme\n")
    r = await cli("leads", "import", str(path), "--campaign", tenant.campaign_id)
    assert r.code == 1
    assert "line 1: no email column (found: 'name', 'company')" in r.err
    assert "--map" in r.err


async def test_stopping_midway_reports_what_was_sent(
    tenant: Tenant, cli, tmp_path, monkeypatch
) -> None:
    """A fault found only while sending (here: the file changes under the importer) stops
    with the line, the rows already sent in the summary, and how to resume."""
    lines = ["email"] + [f"p{i}@acme.com" for i in range(5)] + ['"unclosed']
    path = write(tmp_path / "late.csv", "\n".join(lines) + "\n")
    monkeypatch.setattr(csvio, "count_rows", lambda src: 6)  # the pre-check saw a good file
    r = await cli("leads", "import", str(path), "--campaign", tenant.campaign_id, "--batch", "2")
    assert r.code == 1
    assert "line 7: malformed CSV" in r.err
    assert "4 rows in 2 batch(es) were sent, up to line 5" in r.err
    s = r.json()
    assert (s["sent"], s["batches"], s["counts"]["created"]) == (4, 2, 4)
    assert s["stopped"]["afterLine"] == 5 and "run the same command again" in s["stopped"]["resume"]
    assert len(await tenant.leads()) == 4


async def test_wrong_campaign_and_key(tenant: Tenant, cli, tmp_path, monkeypatch) -> None:
    path = write(tmp_path / "a.csv", "email\na@acme.com\n")
    r = await cli("leads", "import", str(path), "--campaign", "camp_nope")
    assert r.code == 1 and "404" in r.err and "no such campaign" in r.err
    assert r.json()["sent"] == 0
    monkeypatch.setenv("OUTREACH_API_KEY", "ok_live_wrongwrongwrong")
    r = await cli("leads", "import", str(path), "--campaign", tenant.campaign_id)
    assert r.code == 1 and "401" in r.err and "wrongwrong" not in r.err + r.out
    monkeypatch.delenv("OUTREACH_API_KEY")
    r = await cli("leads", "export", "--campaign", tenant.campaign_id)
    assert r.code == 1 and "OUTREACH_API_KEY" in r.err


async def test_2500_rows_in_3_batches_then_export_round_trip(tenant: Tenant, cli, tmp_path) -> None:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["Email Address", "First", "Company", "Plan", "Seats"])
    for i in range(2500):
        w.writerow([f"lead{i}@acme.com", f"Lead {i}", f"Co, {i % 7}", "pro", str(i)])
    path = write(tmp_path / "big.csv", out.getvalue())
    r = await cli(
        "leads",
        "import",
        str(path),
        "--campaign",
        tenant.campaign_id,
        "--map",
        "First=firstName",
    )
    assert r.code == 0, r.err
    s = r.json()
    assert (s["rows"], s["batches"], s["counts"]["created"]) == (2500, 3, 2500)
    assert r.err.count("\n") == 3  # not a TTY: one progress line per batch
    leads = await tenant.leads()
    assert len(leads) == 2500

    exported = tmp_path / "export.csv"
    e = await cli("leads", "export", "--campaign", tenant.campaign_id, str(exported))
    assert e.code == 0, e.err
    assert (e.json()["leads"], e.json()["pages"]) == (2500, 13)
    with exported.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == [
        *csvio.FIELDS,
        "Plan",
        "Seats",
        "status",
        "statusReason",
        "currentStep",
        "createdAt",
    ]

    other = await tenant.campaign()
    back = await cli("leads", "import", str(exported), "--campaign", other)
    assert back.code == 0, back.err
    assert back.json()["counts"]["created"] == 2500

    def fields(rows):  # type: ignore[no-untyped-def]
        return sorted(
            (x.email, x.first_name, x.company, x.timezone, tuple(sorted(x.custom_fields.items())))
            for x in rows
        )

    assert fields(await tenant.leads(other)) == fields(leads)


async def test_export_to_stdout_with_status_and_custom_clash(tenant: Tenant, cli, tmp_path) -> None:
    path = write(tmp_path / "c.csv", "email,customFields.title,Score\nq@acme.com,Dr,3\n")
    assert (await cli("leads", "import", str(path), "--campaign", tenant.campaign_id)).code == 0
    (lead,) = await tenant.leads()
    assert lead.custom_fields == {"title": "Dr", "Score": "3"} and lead.role is None
    r = await cli("leads", "export", "--campaign", tenant.campaign_id, "--status", "queued")
    assert r.code == 0, r.err
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert len(rows) == 1 and rows[0]["customFields.title"] == "Dr"
    assert rows[0]["email"] == "q@acme.com" and rows[0]["status"] == "queued"
    assert rows[0]["currentStep"] == "0" and rows[0]["createdAt"]
    assert r.err == "outreach: exported 1 leads\n"
    none = await cli("leads", "export", "--campaign", tenant.campaign_id, "--status", "replied")
    assert none.code == 0 and none.out.count("\n") == 1  # the header only
    missing = await cli("leads", "export", "--campaign", "camp_nope")
    assert missing.code == 1 and "no campaign camp_nope" in missing.err


async def test_the_key_is_never_printed(tenant: Tenant, cli, tmp_path) -> None:
    path = write(tmp_path / "k.csv", "email\nk@acme.com\nbad\n")
    outputs = [
        await cli("leads", "import", str(path), "--campaign", tenant.campaign_id),
        await cli("leads", "import", str(path), "--campaign", "camp_nope"),
        await cli("leads", "export", "--campaign", tenant.campaign_id),
    ]
    refused = (tmp_path / "k.csv.refused.csv").read_text()
    for r in outputs:
        assert tenant.key not in r.out + r.err
    assert tenant.key not in refused
