"""Held-out extraction corpus: written on 2026-11-26 after the rules were frozen, never used to
change them, and scored separately from `extract_corpus.py` (see test_extract.py). Crises
outside the project's data (floods, cyclones, conflicts in the Sahel and the Great Lakes).

Published 2024-09-12 (a Thursday) unless a case says otherwise. Each expected row gives value,
qualifier and subject; the score is precision and recall over those three fields.
"""

PUBLISHED = "2024-09-12"

HELDOUT = [
    (
        "Floods have displaced more than 220,000 people across the region since Monday.",
        [(220_000, "more_than", "displaced")],
    ),
    (
        "An estimated 1.3 million people have been affected, and 300,000 have lost their homes.",
        [(1_300_000, "about", "other"), (300_000, "exact", "displaced")],
    ),
    (
        "UNHCR said at least 45,000 refugees had crossed into Chad in the past week.",
        [(45_000, "at_least", "refugees")],
    ),
    (
        "The cyclone killed 112 people and forced nearly 80,000 to flee.",
        [(112, "exact", "killed"), (80_000, "up_to", "displaced")],
    ),
    (
        "Aid agencies warn that up to 2 million people could be displaced by the end of the year.",
        [(2_000_000, "up_to", "displaced")],
    ),
    (
        "Some 15,000 families, about 75,000 people, are sheltering in schools.",
        [(15_000, "about", "other"), (75_000, "about", "other")],
    ),
    (
        "Between 30,000 and 50,000 people fled the town after the attack.",
        [(40_000, "range", "displaced")],
    ),
    (
        "Tens of thousands of civilians have fled toward the border.",
        [(44_721, "vague", "displaced")],
    ),
    (
        "The number of internally displaced people rose to 2.7 million, the government said.",
        [(2_700_000, "exact", "displaced")],
    ),
    (
        "Over 600 people have been injured and 95 killed.",
        [(600, "more_than", "injured"), (95, "exact", "killed")],
    ),
    (
        "Two hundred thousand people are now living in camps near the capital.",
        [(200_000, "exact", "displaced")],
    ),
    (
        "Officials counted 18,400 new arrivals in Uganda during August.",
        [(18_400, "exact", "refugees")],
    ),
    (
        "More than half a million people have sought refuge in neighbouring countries.",
        [(500_000, "more_than", "refugees")],
    ),
    (
        "Fighting has uprooted around 90,000 people in North Kivu in recent days.",
        [(90_000, "about", "displaced")],
    ),
    (
        "The UN projects that 4 million people may need assistance by March.",
        [(4_000_000, "exact", "other")],
    ),
    (
        "Almost 12,000 refugees arrived on Tuesday alone, a record for the crossing.",
        [(12_000, "up_to", "refugees")],
    ),
    (
        "Hundreds of thousands of people remain displaced two years after the floods.",
        [(447_213, "vague", "displaced")],
    ),
    (
        "As many as 700 people were evacuated from the island overnight.",
        [(700, "up_to", "displaced")],
    ),
    (
        "The camp, built for 20,000, now holds 65,000 refugees.",
        [(65_000, "exact", "refugees")],
    ),  # 20,000 is a capacity, not a count of people
    (
        "No fewer than 3,500 asylum-seekers were registered in the first week.",
        [(3_500, "at_least", "refugees")],
    ),
]

#: Sentences with numbers and no figure of people or strikes.
HELDOUT_TRAPS = [
    "The river rose 3.2 metres in 48 hours.",
    "The appeal is 45% funded, with $120 million still needed.",
    "The convoy travelled 250 km on Route 7 before 6 p.m.",
    "Resolution 2719 was adopted on 21 December 2023.",
    "Call the hotline on +41 22 739 8111 for information.",
    "The 2019 census counted households in 14 provinces.",
    "The report, published in 2024, has 86 pages and 12 annexes.",
    "Temperatures reached 45 degrees for the third day in a row.",
]
