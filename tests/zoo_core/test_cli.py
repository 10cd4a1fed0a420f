"""The command line as a deployer uses it: info describes a release, audit attacks it."""
import json

from zoo_core.__main__ import main


def test_info_describes_the_release(release_db, capsys):
    assert main(["info", "--db", str(release_db), "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["kind"] == "demo" and facts["areas"]["gemeente"] == 342
    # one table per demo family x year x branche (the 12 breakdown tables and the 6 woon x pleeg tables of
    # issue 16 and the 24 vakantieparken tables included): 186
    assert facts["cells"]["suppressed"] > 0 and facts["protected_tables"] == 186
    assert facts["disclosure_parameters"]["persons"]["min_units"] >= 1
    assert "seed" not in json.dumps(facts)
    demo = {i["code"]: i["demo"] for i in facts["indicators"]}
    assert demo["tr_fiu"] and not demo["cr_misdrijven"]
    assert main(["info", "--db", str(release_db)]) == 0
    assert "protected tables" in capsys.readouterr().out


def test_audit_from_the_attackers_side_passes_and_says_so(release_db, base_db, capsys):
    assert main(["audit", "--db", str(release_db), "--base", str(base_db), "--family", "hennep", "--year", "2024"]) == 0
    out = capsys.readouterr().out
    assert "hennep" in out and "audit: 0 hidden cells narrower than promised" in out
    assert main(["audit", "--db", str(release_db), "--base", str(base_db), "--family", "hennep", "--year", "2024",
                 "--witness"]) == 0
    assert "smallest margin >= " in capsys.readouterr().out


def test_audit_without_a_base_names_what_is_missing(release_db, tmp_path, capsys):
    assert main(["audit", "--db", str(release_db), "--base", str(tmp_path / "none.duckdb")]) == 2
    assert "none.duckdb" in capsys.readouterr().err


def test_audit_of_an_unknown_family_says_so_instead_of_passing(release_db, base_db, capsys):
    """A typo must not print 'audit: 0 hidden cells narrower than promised' over no table at all."""
    assert main(["audit", "--db", str(release_db), "--base", str(base_db), "--family", "drugs_stromen"]) == 2
    err = capsys.readouterr().err
    assert "drugs_stromen" in err and "drugsverdachten_stromen" in err
