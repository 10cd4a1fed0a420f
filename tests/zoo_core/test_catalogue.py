from zoo_core import catalogue


def test_at_least_sixteen_ondermijning_indicators_over_five_themes():
    ondermijning = [i for i in catalogue.INDICATORS.values() if i.demo]
    assert len(ondermijning) >= 16
    assert {i.theme for i in ondermijning} == {"vastgoed", "drugs", "transacties", "branches", "vakantieparken"}
    assert catalogue.demo_themes() == ["vastgoed", "drugs", "transacties", "branches", "vakantieparken"]


def test_required_indicators_exist():
    for code in ["vg_onverklaarbare_aankopen_pct", "vg_doorsluishuizen_per_1000", "vg_stichting_woningen",
                 "vg_verkoopprijs", "vg_verkochte_woningen", "dr_hennep", "dr_hennep_per_1000",
                 "dr_verdachten_per_1000", "dr_jonge_aanwas_pct", "dr_verdachten_elders_pct", "tr_fiu",
                 "tr_fiu_per_1000", "tr_contant", "br_vestigingen_per_10k", "br_omzet_per_inwoner",
                 "ctx_inwoners", "ctx_woningvoorraad", "ctx_woz", "ctx_inkomen", "ctx_stedelijkheid",
                 "ctx_bedrijfsvestigingen"]:
        assert code in catalogue.INDICATORS, code


def test_risk_branches_include_kappers_nagelstudios_fastfood_and_two_more():
    assert {"96021", "96022", "56102"} <= set(catalogue.RISK_BRANCHES)
    assert len(catalogue.RISK_BRANCHES) >= 5
    assert catalogue.get("br_vestigingen_per_10k").branches == tuple(catalogue.RISK_BRANCHES)


def test_every_entry_is_complete_and_consistent():
    for ind in catalogue.INDICATORS.values():
        assert ind.theme in catalogue.THEMES
        assert ind.kind in catalogue.KINDS
        assert ind.unit_type in catalogue.UNIT_TYPES
        assert ind.name and ind.definition and ind.unit and ind.source
        assert set(ind.levels) <= set(catalogue.LEVELS)
        if ind.demo and ind.kind in ("rate", "percentage"):
            assert ind.per and ind.denominator in catalogue.INDICATORS, ind.code
        if ind.demo and ind.family == "":  # public demo context (the holiday parks): the 2024 situation
            assert ind.kind == "count" and ind.years == catalogue.PARK_YEARS, ind.code
        elif ind.demo:
            assert ind.family in catalogue.BASE_MEASURES, ind.code
            assert ind.years == catalogue.DEMO_YEARS
        elif ind.theme == "context":
            assert ind.years == (2024,)
        else:  # a real public table: published as it is, no disclosure family
            assert ind.family == "" and ind.source and ind.years, ind.code
            if ind.kind == "rate":
                assert ind.per and not catalogue.get(ind.denominator).family, ind.code


def test_real_crime_indicators():
    count, rate = catalogue.get("cr_misdrijven"), catalogue.get("cr_misdrijven_per_1000")
    for ind in (count, rate):
        assert not ind.demo and ind.family == "" and ind.theme == "criminaliteit"
        assert ind.years == (2022, 2023, 2024) and "gemeente" in ind.levels
        assert ind.source.startswith("Politie (47013NED)")
    assert (count.kind, rate.kind, rate.numerator, rate.denominator, rate.per) == (
        "count", "rate", "cr_misdrijven", "ctx_inwoners", 1000)
    assert "2024" in rate.definition  # which year's population divides every year


def test_rates_share_the_pattern_of_their_published_count():
    # A rate with a public denominator discloses its numerator: both must be in one family.
    assert catalogue.get("tr_fiu_per_1000").family == catalogue.get("tr_fiu").family
    assert catalogue.get("dr_hennep_per_1000").family == catalogue.get("dr_hennep").family


def test_family_order_puts_denominators_first():
    order = catalogue.family_order()
    assert sorted(order) == sorted(catalogue.BASE_MEASURES)
    for code, measure in catalogue.BASE_MEASURES.items():
        if measure.depends_on:
            assert order.index(measure.depends_on) < order.index(code)


def test_unknown_code_is_named():
    try:
        catalogue.get("DROP TABLE cells")
    except KeyError as exc:
        assert "DROP TABLE cells" in str(exc)
    else:
        raise AssertionError("expected KeyError")


def test_breakdowns_are_their_own_families_with_a_published_total():
    drugs = catalogue.breakdowns_for("drugs")
    assert {i.breakdown for i in drugs} == {"leeftijd", "geslacht", "familie"}
    assert not set(drugs) & set(catalogue.for_theme("drugs"))  # the theme's indicator list has one value per area
    for ind in drugs:
        measure = catalogue.BASE_MEASURES[ind.family]
        assert ind.breakdown in measure.breakdowns and ind.levels == catalogue.BREAKDOWN_LEVELS
        total = catalogue.breakdown_total(ind)
        assert total.family == measure.breakdown_of and total.kind == "count" and total in catalogue.for_theme("drugs")
    assert catalogue.breakdown_total(catalogue.get("dr_verdachten_familie")).code == "dr_verdachten"


def test_vakantieparken_theme():
    """Per gemeente and up; the parks and their addresses public context (no family), the registrations
    protected: persons under the persons rules, rechtspersonen under the establishments rules, each rate
    and percentage in the family of its numerator, the two subgroups bounded by the registered persons."""
    inds = catalogue.for_theme("vakantieparken")
    assert catalogue.THEMES["vakantieparken"] == "Vakantieparken" and len(inds) == 10
    assert all(i.demo and i.levels == catalogue.GEMEENTE_AND_UP for i in inds)
    for code in ("vp_parken", "vp_adressen"):
        assert catalogue.get(code).family == "" and catalogue.get(code).kind == "count"
    persons, legal = catalogue.get("vp_personen"), catalogue.get("vp_rechtspersonen")
    assert (persons.unit_type, legal.unit_type) == ("persons", "establishments")
    for rate, count in [("vp_personen_per_100", persons), ("vp_rechtspersonen_per_100", legal)]:
        r = catalogue.get(rate)
        assert (r.kind, r.denominator, r.per, r.family, r.unit_type) == ("rate", "vp_adressen", 100, count.family,
                                                                         count.unit_type)
    for pct, count in [("vp_woningbezit_elders_pct", "vp_woningbezit_elders"),
                       ("vp_alleenstaande_ouders_pct", "vp_alleenstaande_ouders")]:
        p, c = catalogue.get(pct), catalogue.get(count)
        assert (p.kind, p.denominator, p.per, p.family, p.unit_type) == ("percentage", "vp_personen", 100, c.family,
                                                                         "persons")
        measure = catalogue.BASE_MEASURES[c.family]
        assert measure.depends_on == measure.at_most == persons.family  # <= the registered persons, linked
    for family in (persons.family, legal.family):
        assert catalogue.BASE_MEASURES[family].zero_with == "vp_adressen"  # publicly 0 without park addresses
    assert all(catalogue.family_levels(i.family) == catalogue.GEMEENTE_AND_UP for i in inds if i.family)
    assert catalogue.family_levels("drugsverdachten") == catalogue.LEVELS
