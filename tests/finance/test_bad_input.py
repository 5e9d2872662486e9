"""Wrong trial balances are refused in French, naming the account, the line and the fix."""

import pandas as pd
import pytest

from cpts_training.errors import DataError, InputError
from cpts_training.finance import (
    diagnosis_table,
    financing_table,
    read_trial_balance,
    require_trial_balance,
)
from tests.finance.helpers import EXAMPLE_2024, EXAMPLE_2025, make_tb, plain

SMALL = {"512": (1000, 0), "641": (500, 0), "741": (0, 1500)}


def refused(table, year=2025) -> str:
    with pytest.raises(InputError) as info:
        require_trial_balance(table, year)
    return plain(info.value)


def test_a_valid_balance_is_returned_clean():
    tb = pd.DataFrame(
        {"compte": [512, 641.0, "741"], "libelle": ["Banque", None, "ACI"],
         "debit": [1000, "500", None], "credit": [0, 0, "1 500,00"]}
    )  # fmt: skip
    clean = require_trial_balance(tb, 2025)
    assert clean["compte"].tolist() == ["512", "641", "741"]
    assert clean["debit"].tolist() == [1000, 500, 0]
    assert clean["credit"].tolist() == [0, 0, 1500]


def test_unbalanced_balance_states_both_totals_and_the_gap():
    message = refused(make_tb(dict(SMALL, **{"741": (0, 1400)})))
    assert "pas équilibrée" in message
    assert "Total débit 1 500,00 €" in message and "total crédit 1 400,00 €" in message
    assert "écart 100,00 € en trop au débit" in message


def test_unknown_account_and_unknown_class():
    assert "Compte « 24 » inconnu" in refused(make_tb(dict(SMALL, **{"24": (0, 0)})))
    message = refused(make_tb(dict(SMALL, **{"801": (0, 0)})))
    assert "ligne 5 (compte 801)" in message and "classe 8" in message
    assert "n'est pas un numéro de compte" in refused(make_tb(dict(SMALL, **{"51A": (0, 0)})))


def test_account_79_is_refused_from_2025_and_accepted_before():
    tb = make_tb({"512": (1000, 0), "641": (500, 0), "791": (0, 500), "741": (0, 1000)})
    message = refused(tb, 2025)
    assert "compte 791" in message and "79 (transferts de charges) n'existe plus" in message
    assert "ANC 2022-06" in message and "Supprimez le compte 79" in message
    assert require_trial_balance(tb, 2024)["compte"].tolist()[2] == "791"


@pytest.mark.parametrize(("old", "new"), [("675", "657"), ("775", "757"), ("777", "747")])
def test_renumbered_accounts_are_refused_from_2025(old, new):
    account = old + "1"
    tb = make_tb({"512": (1000, 0), account: (0, 0), "741": (0, 1000)})
    message = refused(tb, 2025)
    assert f"le compte {old} est devenu le compte {new}" in message
    assert f"Renumérotez {account} en {new}1" in message
    require_trial_balance(tb, 2024)


def test_missing_column_text_negative_and_duplicate():
    assert "colonne(s) manquante(s) : credit" in refused(make_tb(SMALL).drop(columns="credit"))
    text = make_tb(SMALL).astype({"debit": object})
    text.loc[1, "debit"] = "cinq cents"
    message = refused(text)
    assert "ligne 3 (compte 641), colonne « Débit »" in message
    assert "« cinq cents » n'est pas un montant" in message
    negative = make_tb(dict(SMALL, **{"641": (-500, 0)}))
    assert "est négatif" in refused(negative)
    duplicate = pd.concat([make_tb(SMALL), make_tb({"641": (0, 0)})], ignore_index=True)
    assert "le compte 641 figure déjà ligne 3" in refused(duplicate)
    assert "aucun compte" in refused(
        make_tb({}).reindex(columns=["compte", "libelle", "debit", "credit"])
    )


def test_csv_with_french_decimals_and_software_headers(tmp_path):
    path = tmp_path / "balance.csv"
    path.write_text(
        "Compte;Intitulé;Débit;Crédit\n"
        "512;Banque;1 234,56;\n"
        "6411;Salaires;765,44;\n"
        "741;Financement ACI;;2000\n",
        encoding="utf-8",
    )
    tb = read_trial_balance(path, 2025)
    assert tb["debit"].tolist() == [1234.56, 765.44, 0]
    assert tb["credit"].tolist() == [0, 0, 2000]
    assert tb["libelle"].tolist()[0] == "Banque"


def test_csv_with_commas_and_decimal_points(tmp_path):
    path = tmp_path / "balance.csv"
    path.write_text(
        "compte,libelle,debit,credit\n512,Banque,1500.50,0\n741,ACI,0,1500.50\n",
        encoding="utf-8",
    )
    assert read_trial_balance(path, 2025)["debit"].tolist() == [1500.5, 0]


def test_malformed_csv_is_refused_with_its_line_number(tmp_path):
    extra_cell = tmp_path / "cellules.csv"
    extra_cell.write_text(
        "compte;libelle;debit;credit\n512;Banque;1000;0\n641;Salaires;500;0;9\n741;ACI;0;1500\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=r"cellules\.csv, ligne 3 : 5 cellules au lieu de 4"):
        read_trial_balance(extra_cell, 2025)
    bad_amount = tmp_path / "montant.csv"
    bad_amount.write_text(
        "compte;libelle;debit;credit\n512;Banque;1000;0\n641;Salaires;5OO;0\n741;ACI;0;1500\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        read_trial_balance(bad_amount, 2025)
    assert "montant.csv, ligne 3 (compte 641)" in plain(info.value)
    missing = tmp_path / "colonnes.csv"
    missing.write_text("compte;montant\n512;1000\n", encoding="utf-8")
    with pytest.raises(DataError, match="colonne\\(s\\) introuvable\\(s\\) : debit, credit"):
        read_trial_balance(missing, 2025)
    with pytest.raises(DataError, match="format « .txt » non pris en charge"):
        read_trial_balance(tmp_path / "balance.txt", 2025)


def test_xlsx_export_is_read(tmp_path):
    path = tmp_path / "balance.xlsx"
    pd.DataFrame(
        {"N° de compte": [512, 741], "Intitulé": ["Banque", "ACI"],
         "Solde débiteur": [1500.5, None], "Solde créditeur": [None, 1500.5]}
    ).to_excel(path, index=False)  # fmt: skip
    tb = read_trial_balance(path, 2025)
    assert tb["compte"].tolist() == ["512", "741"]
    assert tb["credit"].tolist() == [0, 1500.5]


def test_financing_table_refuses_negative_inputs_and_missing_disposals():
    previous, current = make_tb(EXAMPLE_2024), make_tb(EXAMPLE_2025)
    with pytest.raises(InputError, match="positif ou nul"):
        financing_table(previous, current, 2025, nouveaux_emprunts_eur=-1)
    shrunk = dict(EXAMPLE_2025, **{"2183": (8000, 0), "512": (17000, 0)})
    with pytest.raises(InputError, match="cessions_valeur_brute_eur"):
        financing_table(previous, make_tb(shrunk), 2025)


def test_diagnosis_refuses_a_table_that_is_not_the_ratios():
    with pytest.raises(InputError, match="colonne\\(s\\) manquante\\(s\\)"):
        diagnosis_table(pd.DataFrame({"ratio": ["x"]}))
    unknown = pd.DataFrame({"code": ["x"], "ratio": ["X"], "valeur": [1.0], "unite": ["jours"]})
    with pytest.raises(InputError, match="Ratio « x » inconnu"):
        diagnosis_table(unknown)


def test_total_lines_of_an_export_are_left_out_and_lines_keep_their_number(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Compte;Intitulé;Débit;Crédit\n"
        "512;Banque;1000;\n"
        "Total classe 5;;1000;\n"
        "6411;Salaires;500;\n"
        "741;ACI;;1500\n"
        "Total général;;1500;1500\n",
        encoding="utf-8",
    )
    assert read_trial_balance(path, 2025)["compte"].tolist() == ["512", "6411", "741"]
    path.write_text(path.read_text(encoding="utf-8").replace("6411;", "7911;"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_trial_balance(path, 2025)
    assert "export.csv, ligne 4 (compte 7911)" in plain(info.value)


def test_latin1_export_with_solde_headers_is_read(tmp_path):
    # Windows-1252 export of a French accounting program: « N° compte », « Intitulé »,
    # « Solde débiteur », « Solde créditeur ». Debit 1 234,56 + 765,44 = 2 000 = credit.
    path = tmp_path / "balance_ebp.csv"
    path.write_bytes(
        "N° compte;Intitulé;Solde débiteur;Solde créditeur\n"
        "512;Banque Crédit Agricole;1 234,56;\n"
        "6411;Salaires bruts;765,44;\n"
        "741;Subvention d'exploitation (ACI);;2 000,00\n".encode("cp1252")
    )
    tb = read_trial_balance(path, 2025)
    assert tb["compte"].tolist() == ["512", "6411", "741"]
    assert tb["libelle"].tolist()[0] == "Banque Crédit Agricole"
    assert tb["debit"].tolist() == [1234.56, 765.44, 0]
    assert tb["credit"].tolist() == [0, 0, 2000]


def test_latin1_export_still_names_the_line_of_an_error(tmp_path):
    path = tmp_path / "balance.csv"
    path.write_bytes(
        "Compte;Libellé;Débit;Crédit\n512;Banque;1000;\n641;Salaires;5OO;\n741;ACI;;1500\n".encode(
            "latin-1"
        )
    )
    with pytest.raises(InputError) as info:
        read_trial_balance(path, 2025)
    assert "Fichier balance.csv, ligne 3 (compte 641), colonne « Débit » : « 5OO »" in plain(
        info.value
    )


def test_uploaded_bytes_are_read_by_their_name_and_refused_in_french(tmp_path):
    from cpts_training.finance.trial_balance import read_uploaded_trial_balance

    content = "\ufeffCompte;Libellé;Débit;Crédit\n512;Banque;1 500,50;\n741;ACI;;1 500,50\n"
    tb = read_uploaded_trial_balance("C:\\Users\\moi\\balance.csv", content.encode(), 2025)
    assert tb["debit"].tolist() == [1500.5, 0]
    with pytest.raises(DataError, match="^Fichier balance.csv : le fichier est vide"):
        read_uploaded_trial_balance("balance.csv", b"", 2025)
    with pytest.raises(DataError, match="n'est pas un texte CSV"):
        read_uploaded_trial_balance("balance.csv", b"PK\x03\x04\x00\x00rest", 2025)
    with pytest.raises(DataError, match="format « .pdf » non pris en charge"):
        read_uploaded_trial_balance("balance.pdf", b"%PDF-1.4", 2025)


def test_title_lines_above_the_header_are_skipped_and_lines_stay_those_of_the_file(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Association Exemple;;;\n"
        "Balance générale du 01/01/2025 au 31/12/2025;;;\n"
        ";;;\n"
        "Compte;Intitulé;Débit;Crédit\n"
        "512;Banque;1000;\n"
        "641;Salaires;500;\n"
        "741;ACI;;1500\n",
        encoding="utf-8",
    )
    assert read_trial_balance(path, 2025)["compte"].tolist() == ["512", "641", "741"]
    path.write_text(path.read_text(encoding="utf-8").replace("641;", "791;"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_trial_balance(path, 2025)
    assert "export.csv, ligne 6 (compte 791)" in plain(info.value)  # 3 title lines, header 4


def test_single_signed_solde_column_is_split_into_debit_and_credit(tmp_path):
    # Solde 512 +1 000, 641 +500, 741 −1 500: debit 1 500 = credit 1 500.
    path = tmp_path / "soldes.csv"
    path.write_text(
        "Compte;Libellé;Solde\n512;Banque;1 000,00\n641;Salaires;500\n741;ACI;−1 500,00\n",
        encoding="utf-8",
    )
    tb = read_trial_balance(path, 2025)
    assert tb["debit"].tolist() == [1000, 500, 0]
    assert tb["credit"].tolist() == [0, 0, 1500]
    path.write_text("Compte;Libellé;Solde\n512;Banque;mille\n741;ACI;-1000\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_trial_balance(path, 2025)
    assert "soldes.csv, ligne 2 (compte 512), colonne « Solde » : « mille »" in plain(info.value)


def test_xlsx_with_a_title_above_the_header(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Balance générale 2025"])
    sheet.append([])
    sheet.append(["N° compte", "Intitulé", "Solde débiteur", "Solde créditeur"])
    sheet.append([512, "Banque", 1500, None])
    sheet.append([7911, "Transfert", None, 1500])
    path = tmp_path / "balance.xlsx"
    book.save(path)
    with pytest.raises(InputError) as info:
        read_trial_balance(path, 2025)
    assert "balance.xlsx, ligne 5 (compte 7911)" in plain(info.value)
    assert read_trial_balance(path, 2024)["credit"].tolist() == [0, 1500]


def test_class_headings_and_blank_lines_of_an_export_are_left_out(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Compte;Intitulé;Débit;Crédit\n"
        ";Classe 5 - Comptes financiers;;\n"
        "512;Banque;1000;\n"
        ";;;\n"
        ";Classe 6 - Charges;;\n"
        "641;Salaires;500;\n"
        ";ACI sans numéro;;1500\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        read_trial_balance(path, 2025)
    # a line with an amount but no account is still refused, at its line in the file
    assert "export.csv, ligne 7 : le numéro de compte est vide" in plain(info.value)
    path.write_text(
        path.read_text(encoding="utf-8").replace(";ACI sans numéro", "741;ACI"), encoding="utf-8"
    )
    assert read_trial_balance(path, 2025)["compte"].tolist() == ["512", "641", "741"]
