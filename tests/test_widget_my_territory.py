"""The « Mon territoire » form driven as a trainee drives it (values computed by hand).

Lunel (34145, 26 623 inhabitants), Lunel-Viel (4 507) and Mauguio (16 522), from the
shipped INSEE file: 26 623 + 4 507 + 16 522 = 47 652 inhabitants, ACI size 2.
"""

from __future__ import annotations

import docx
import pytest

from cpts_training.territory.widgets.my_territory import NOTE, MyTerritory


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def form(tmp_path) -> MyTerritory:
    form = MyTerritory(folder=tmp_path / "mes_documents")
    form.communes_input.value = "34145\nLunel-Viel\n\nMauguio\n"
    form.describe_button.click()
    return form


def test_describing_shows_population_aci_size_and_communes(form) -> None:
    assert form.territory is not None
    assert form.territory.population == 47_652  # 26 623 + 4 507 + 16 522
    assert form.territory.aci_size == 2
    status = plain(form.describe_status.value)
    assert "3 communes, 47 652 habitants, taille ACI 2" in status
    view = plain(form.territory_view.value)
    assert "Lunel-Viel" in view and "16 522" in view
    assert form.diagnostic_box.layout.display == ""
    # one row per commune × six professions
    assert len(form.count_fields) == 3 * 6


def test_an_ambiguous_name_lists_the_candidates_and_keeps_the_territory(form) -> None:
    before = form.territory
    form.communes_input.value = "Sainte-Colombe"
    form.describe_button.click()
    message = plain(form.describe_status.value)
    assert "Plusieurs communes s'appellent « Sainte-Colombe »" in message
    assert "code INSEE" in message
    assert "Traceback" not in message
    assert form.territory is before
    assert len(form.count_fields) == 18


def test_an_unknown_code_or_nothing_typed_is_explained(tmp_path) -> None:
    form = MyTerritory(folder=tmp_path)
    form.describe_button.click()
    assert "Saisissez au moins une commune" in form.describe_status.value
    form.communes_input.value = "99999"
    form.describe_button.click()
    assert "ne correspond à aucune commune" in form.describe_status.value
    assert form.territory is None
    assert form.diagnostic_box.layout.display == "none"
    export = form.export()
    assert export is None
    assert "Décrivez d'abord votre territoire" in form.export_status.value


def test_an_epci_is_described(tmp_path) -> None:
    form = MyTerritory(folder=tmp_path)
    form.epci_input.value = "CA Lunel Agglo"
    form.describe_button.click()
    assert form.territory is not None
    assert "34145" in set(form.territory.communes["code_insee"])


def test_counts_typed_the_french_way_and_a_fraction_refused(form) -> None:
    form.count_fields[("34145", "medecins_generalistes")].value = "3"
    form.count_fields[("34154", "medecins_generalistes")].value = "12"
    assert form.counts["medecins_generalistes"].tolist() == [3, 0, 12]
    assert "Médecins généralistes 15" in form.counts_status.value  # 3 + 0 + 12
    form.count_fields[("34146", "infirmiers")].value = "1,5"
    message = plain(form.counts_status.value)
    assert "Saisie refusée" in message
    assert "Lunel-Viel (34146)" in message and "Infirmiers" in message
    assert "n'est pas un nombre entier" in message


def test_the_diagnostic_is_exported_to_mes_documents(form, tmp_path) -> None:
    form.count_fields[("34145", "medecins_generalistes")].value = "20"
    form.count_fields[("34146", "medecins_generalistes")].value = "3"
    form.count_fields[("34154", "medecins_generalistes")].value = "15"
    row = form.add_structure()
    row.kind.value = "EHPAD"
    row.name.value = "EHPAD Les Oliviers"
    row.commune.value = "34146"
    empty = form.add_structure()
    empty.remove.click()
    assert form.structures.values.tolist() == [
        ["EHPAD", "EHPAD Les Oliviers", "34146", "Lunel-Viel"]
    ]
    form.priorities_input.value = "Trouver un médecin traitant\n\nSoins non programmés"
    form.synthesis_input.value = "Territoire sous-doté."
    form.export_button.click()
    assert "Nommez la CPTS" in form.export_status.value
    form.cpts_name.value = "CPTS du Pays de Lunel"
    form.export_button.click()
    assert "Diagnostic enregistré" in form.export_status.value
    folder = tmp_path / "mes_documents"
    word = docx.Document(str(folder / "diagnostic_territorial.docx"))
    texts = [plain(p.text) for p in word.paragraphs]
    assert "Population municipale : 47 652 habitants" in texts
    assert "Trouver un médecin traitant" in texts
    assert (folder / "diagnostic_territorial.html").is_file()
    form.export_button.click()
    assert "existe déjà" in form.export_status.value
    form.overwrite.value = True
    form.export_button.click()
    assert "Diagnostic enregistré" in form.export_status.value


def test_the_communes_are_shown_on_a_map_then_an_interactive_one(form) -> None:
    assert bytes(form.map_image.value).startswith(b"\x89PNG")
    assert form.maps.layout.display == ""
    assert form.interactive_map.children == ()  # drawn only when its tab opens
    form.maps.selected_index = 1
    framed = form.interactive_map.children[0]
    leaflet_map = framed.children[0]
    (circles,) = [g for g in leaflet_map.layers if getattr(g, "name", "") == "Communes"]
    features = {f["properties"]["commune"]: f for f in circles.data["features"]}
    # Lunel (26 623) is the largest: radius 4 + 22 = 26; Lunel-Viel: 4 + 22 × √(4 507 /
    # 26 623) = 4 + 22 × 0,4115 = 13,05 → 13; Mauguio: 4 + 22 × √0,6206 = 21,3 → 21.
    radius = {name: f["properties"]["style"]["radius"] for name, f in features.items()}
    assert radius == {"Lunel": 26, "Lunel-Viel": 13, "Mauguio": 21}
    # Lunel is about 25 km east-north-east of Montpellier.
    longitude, latitude = features["Lunel"]["geometry"]["coordinates"]
    assert latitude == pytest.approx(43.67, abs=0.05)
    assert longitude == pytest.approx(4.13, abs=0.05)
    assert "Sans connexion Internet" in framed.children[1].value
    # A structure listed afterwards is on the map the next time the tab is opened.
    row = form.add_structure()
    row.kind.value, row.name.value, row.commune.value = "EHPAD", "EHPAD Les Oliviers", "34146"
    form.maps.selected_index = 0
    form.maps.selected_index = 1
    leaflet_map = form.interactive_map.children[0].children[0]
    (group,) = [g for g in leaflet_map.layers if getattr(g, "name", "") == "Structures partenaires"]
    assert "EHPAD Les Oliviers" in group.layers[0].popup.value


def test_a_commune_without_position_is_named_not_lost(tmp_path) -> None:
    form = MyTerritory(folder=tmp_path / "mes_documents")
    form.communes_input.value = "15031\n15141"  # Celles (restored in 2025: no position)
    form.describe_button.click()
    form.maps.selected_index = 1
    texts = " ".join(getattr(w, "value", "") for w in form.interactive_map.children)
    assert "Sans position connue : Celles (15031)" in texts


def test_the_exported_diagnostic_holds_the_map(form, tmp_path) -> None:
    form.cpts_name.value = "CPTS du Pays de Lunel"
    form.export_button.click()
    folder = tmp_path / "mes_documents"
    word = docx.Document(str(folder / "diagnostic_territorial.docx"))
    assert len(word.inline_shapes) == 1
    page = (folder / "diagnostic_territorial.html").read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in page
    assert "IGN ADMIN EXPRESS COG 2018" in page


def test_the_note_tells_how_to_count_and_where_the_map_comes_from() -> None:
    assert "officines" in NOTE and "centre de son contour" in NOTE
