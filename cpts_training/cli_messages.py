"""The command line's own messages in French: usage, help, and click's errors.

click writes its messages through :mod:`gettext` (``_("Usage:")``,
``ngettext(...)``) but ships no translation. :func:`use_french_messages` gives
its modules a French catalogue, so that a trainer who mistypes a command reads
« Erreur : argument manquant » rather than "Error: Missing argument". Nothing
else in the process is touched (no locale, no environment variable).
"""

from __future__ import annotations

import gettext
import importlib
from typing import Any

MESSAGES: dict[str, str] = {
    # Help pages.
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Commands": "Commandes",
    "Positional arguments": "Arguments",
    "Show this message and exit.": "Afficher cette aide et quitter.",
    "Show the version and exit.": "Afficher la version et quitter.",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "default: {default}": "par défaut : {default}",
    "env var: {var}": "variable d'environnement : {var}",
    "(dynamic)": "(calculé)",
    "deprecated": "obsolète",
    "required": "obligatoire",
    "Choose from:\n\t{choices}": "Valeurs possibles :\n\t{choices}",
    "Choice({choices})": "Choix({choices})",
    # Errors a user can cause.
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Aide : « {command} {option} ».",
    "Aborted!": "Interrompu.",
    "Missing command.": "Commande manquante.",
    "No such command {name!r}.": "Commande inconnue : {name!r}.",
    "No such option {name!r}.": "Option inconnue : {name!r}.",
    "Missing argument": "Argument manquant",
    "Missing option": "Option manquante",
    "Missing parameter": "Paramètre manquant",
    "Missing parameter: {param_name}": "Paramètre manquant : {param_name}",
    "Missing {param_type}": "{param_type} manquant",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "unknown error": "erreur inconnue",
    "Option {name!r} does not take a value.": "L'option {name!r} ne prend pas de valeur.",
    "Argument {name!r} takes {nargs} values.": "L'argument {name!r} prend {nargs} valeurs.",
    "Invalid start character for option ({option})": (
        "Caractère initial invalide pour une option ({option})"
    ),
    "Value must be an iterable.": "La valeur doit être une liste.",
    "Could not open file {filename!r}: {message}": (
        "Impossible d'ouvrir le fichier {filename!r} : {message}"
    ),
    "{value} is not in the range {range}.": "{value} n'est pas dans l'intervalle {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} n'est pas une valeur oui/non. Valeurs reconnues : {states}"
    ),
    "{value!r} is not a valid {number_type}.": "{value!r} n'est pas un {number_type} valide.",
    "{value!r} is not a valid UUID.": "{value!r} n'est pas un UUID valide.",
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "{name} {filename!r} is a file.": "{name} {filename!r} : c'est un fichier.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} : c'est un dossier.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} : lecture impossible.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} : écriture impossible.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} : non exécutable.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} introuvable.",
    # Prompts.
    "Do you want to continue?": "Voulez-vous continuer ?",
    "Confirm the action without prompting.": "Confirmer sans poser la question.",
    "Press any key to continue...": "Appuyez sur une touche pour continuer…",
    "Repeat for confirmation": "Répétez pour confirmer",
    "Error: The two entered values do not match.": "Erreur : les deux valeurs diffèrent.",
    "Error: invalid input": "Erreur : saisie invalide",
    # Messages for the program's author or the system, translated all the same.
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": (
        "Avertissement : la commande {name!r} est obsolète.{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": (
        "Avertissement : {param_type} {name!r} est obsolète.{extra_message}"
    ),
    "Could not determine name for option with declarations {decls!r}": (
        "Impossible de nommer l'option déclarée par {decls!r}"
    ),
    "No options defined but a name was passed ({name}). Did you mean to declare an "
    "argument instead? Did you mean to pass '--{name}'?": (
        "Aucune option déclarée mais un nom a été donné ({name}). Vouliez-vous déclarer "
        "un argument ? Ou écrire « --{name} » ?"
    ),
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": (
        "Un argument se déclare avec un seul nom ; reçu {length} : {decls}."
    ),
    "Name '{name}' defined twice": "Nom « {name} » défini deux fois",
    "Boolean option {decl!r} cannot use the same flag for true/false.": (
        "L'option oui/non {decl!r} ne peut pas utiliser le même drapeau pour oui et non."
    ),
    "{editor}: Editing failed": "{editor} : échec de l'édition",
    "{editor}: Editing failed: {e}": "{editor} : échec de l'édition : {e}",
    "Windows error: {error}": "Erreur Windows : {error}",
    "Couldn't detect Bash version, shell completion is not supported.": (
        "Version de Bash inconnue : la complétion n'est pas disponible."
    ),
    "Shell completion is not supported for Bash versions older than 4.4.": (
        "La complétion demande Bash 4.4 ou plus récent."
    ),
    "Unknown color {colour!r}": "Couleur inconnue : {colour!r}",
    "Unknown standard stream '{name}'": "Flux standard inconnu : « {name} »",
}
"""click's messages (English, as click writes them) and their French translation."""

PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "Argument en trop : {args}",
        "Arguments en trop : {args}",
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "Attend {nargs} valeurs, 1 seule donnée.",
        "Attend {nargs} valeurs, {len} données.",
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "Vouliez-vous dire {possibility} ?",
        "(Vouliez-vous dire l'une de ces options : {possibilities} ?)",
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "L'option {name!r} attend une valeur.",
        "L'option {name!r} attend {nargs} valeurs.",
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} n'est pas {choice}.",
        "{value!r} n'est pas l'une des valeurs {choices}.",
    ),
    (
        "{value!r} does not match the format {format}.",
        "{value!r} does not match the formats {formats}.",
    ): (
        "{value!r} ne suit pas le format {format}.",
        "{value!r} ne suit aucun des formats {formats}.",
    ),
    (
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ): (
        "{len_type} valeurs sont attendues, {len_value} donnée.",
        "{len_type} valeurs sont attendues, {len_value} données.",
    ),
}
"""click's plural messages (singular, plural) and their French forms."""

CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.shell_completion",
    "click.termui",
    "click.types",
    "click.utils",
    "click._termui_impl",
)
"""The click modules that translate their messages with ``_`` and ``ngettext``."""


class FrenchCatalogue(gettext.NullTranslations):
    """A gettext catalogue built from :data:`MESSAGES` and :data:`PLURALS`.

    A message missing from the catalogue is returned unchanged, as gettext does.
    """

    def gettext(self, message: str) -> str:
        return MESSAGES.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        french = PLURALS.get((singular, plural))
        if french is None:
            return singular if n == 1 else plural
        # French uses the singular for 0 and 1.
        return french[0] if n <= 1 else french[1]


def use_french_messages() -> None:
    """Make click write its usage lines, help headings and errors in French."""
    catalogue = FrenchCatalogue()
    for name in CLICK_MODULES:
        module: Any = importlib.import_module(name)  # its translation functions are replaced
        if hasattr(module, "_"):
            module._ = catalogue.gettext
        if hasattr(module, "ngettext"):
            module.ngettext = catalogue.ngettext
