"""Forms of the finance module (plan pluriannuel, tableau de bord)."""
