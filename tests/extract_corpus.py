"""Hand-written sentences with the figures a careful analyst would copy out of them.

Published 2022-03-10 (a Thursday) and event start 2022-02-24 unless a case says otherwise.
Each expected row gives value, qualifier and subject, and may pin any other column.
"""

CASES = [
    (
        "More than 10,000 people have crossed into Moldova.",
        [dict(value=10_000, qualifier="more_than", subject="refugees", unit="people")],
    ),
    (
        "Up to 7 million people could be displaced, officials warned.",
        [
            dict(
                value=7e6,
                qualifier="up_to",
                subject="displaced",
                estimate=True,
                attributed_to="officials",
                high=7e6,
            )
        ],
    ),
    (
        "Seven million people might eventually flee the country, the EU estimates.",
        [
            dict(
                value=7e6, qualifier="exact", subject="displaced", estimate=True, attributed_to="EU"
            )
        ],
    ),
    (
        "Some 1.5m people have fled their homes.",
        [dict(value=1.5e6, qualifier="about", subject="displaced", low=1.35e6, high=1.65e6)],
    ),
    (
        "Half a million refugees have arrived in Poland.",
        [dict(value=5e5, qualifier="exact", subject="refugees", unit="people")],
    ),
    (
        "Authorities said a dozen civilians were killed overnight.",
        [
            dict(
                value=12,
                qualifier="exact",
                subject="killed",
                unit="civilians",
                attributed_to="Authorities",
            )
        ],
    ),
    (
        "Dozens of people were injured in the blast.",
        [dict(value=49, qualifier="vague", subject="injured", low=24, high=99)],
    ),
    (
        "Hundreds of thousands of residents have fled the city.",
        [dict(value=447_213, qualifier="vague", subject="displaced", low=200_000, high=999_999)],
    ),
    (
        "Between 1 and 2 million people may be forced to flee the region.",
        [
            dict(
                value=1.5e6,
                qualifier="range",
                subject="displaced",
                low=1e6,
                high=2e6,
                estimate=True,
            )
        ],
    ),
    (
        "At least 2,000 civilians have been killed since the start of the war.",
        [dict(value=2_000, qualifier="at_least", subject="killed", unit="civilians", low=2_000)],
    ),
    (
        "The UN refugee agency said 3.7 million refugees had crossed the border.",
        [
            dict(
                value=3.7e6,
                qualifier="exact",
                subject="refugees",
                attributed_to="UNHCR",
                estimate=False,
            )
        ],
    ),
    (
        "Over 350 missiles have been fired since Monday.",
        [
            dict(
                value=350,
                qualifier="more_than",
                subject="strikes",
                unit="missiles",
                date="2022-03-10",  # a running total as of publication, since Monday 7 March
                date_rule="since",
                since="2022-03-07",
            )
        ],
    ),
    (
        "On Tuesday, 40 people were killed in shelling.",
        [
            dict(
                value=40,
                qualifier="exact",
                subject="killed",
                date="2022-03-08",
                date_rule="weekday",
            )
        ],
    ),
    (
        "By 5 March, 1,500,000 people had fled Ukraine.",
        # Fled the country itself: across its border, so refugees (was labelled displaced
        # while the rules could not tell "fled Ukraine" from "fled Kharkiv").
        [dict(value=1.5e6, qualifier="exact", subject="refugees", date="2022-03-05")],
    ),
    (
        "As of 2022-03-09, 2,011,312 refugees were recorded.",
        [
            dict(
                value=2_011_312,
                qualifier="exact",
                subject="refugees",
                date="2022-03-09",
                date_rule="explicit",
            )
        ],
    ),
    (
        "Nearly 100,000 people were evacuated from Sumy.",
        [dict(value=1e5, qualifier="up_to", subject="displaced", high=1e5)],
    ),
    (
        "Around 200 people were injured.",
        [dict(value=200, qualifier="about", subject="injured", low=180, high=220)],
    ),
    (
        "As many as 18 million people may be affected, the UN said.",
        [dict(value=18e6, qualifier="up_to", subject="other", estimate=True, attributed_to="UN")],
    ),
    (
        "Thousands of people have sought shelter in metro stations.",
        [dict(value=4_472, qualifier="vague", subject="other", low=2_000, high=9_999)],
    ),
    (
        "Tens of thousands of people have fled to neighbouring countries.",
        [dict(value=44_721, qualifier="vague", subject="refugees", low=20_000, high=99_999)],
    ),
    (
        "The fighting has displaced 160,000 people inside the country.",
        [dict(value=160_000, qualifier="exact", subject="displaced")],
    ),
    (
        "Two children were among the dead.",
        [dict(value=2, qualifier="exact", subject="killed", unit="children")],
    ),
    (
        "Three missiles struck the airport.",
        [dict(value=3, qualifier="exact", subject="strikes", unit="missiles")],
    ),
    (
        "At least 25 people died when the bridge collapsed.",
        [dict(value=25, qualifier="at_least", subject="killed")],
    ),
    (
        "More than 2 million people have left the country for Poland.",
        [dict(value=2e6, qualifier="more_than", subject="refugees")],
    ),
    (
        "Officials expect the number of refugees to reach 4 million by the end of March.",
        [
            dict(
                value=4e6,
                qualifier="exact",
                subject="refugees",
                estimate=True,
                attributed_to="Officials",
            )
        ],
    ),
    (
        "The agency has registered 1.2 million refugees since 24 February.",
        [
            dict(
                value=1.2e6,
                qualifier="exact",
                subject="refugees",
                date="2022-03-10",
                since="2022-02-24",
            )
        ],
    ),
    (
        "Some 500 thousand people have been displaced in the east.",
        [dict(value=5e5, qualifier="about", subject="displaced")],
    ),
    (
        "An estimated 6.5 million people are internally displaced.",
        [dict(value=6.5e6, qualifier="about", subject="displaced", estimate=False)],
    ),
    (
        "Four days into the war, 368,000 people had fled.",
        [
            dict(
                value=368_000,
                qualifier="exact",
                subject="displaced",
                date="2022-02-28",
                date_rule="event_day",
            )
        ],
    ),
    (
        "On the tenth day of the invasion, 1.5 million refugees had crossed into neighbouring "
        "countries.",
        [
            dict(
                value=1.5e6,
                qualifier="exact",
                subject="refugees",
                date="2022-03-05",
                date_rule="event_day",
            )
        ],
    ),
    (
        "Between 10,000 and 15,000 people are sheltering in the theatre.",
        [dict(value=12_500, qualifier="range", subject="other", low=10_000, high=15_000)],
    ),
    (
        "Roughly 90 drones were launched overnight.",
        [dict(value=90, qualifier="about", subject="strikes", unit="drones")],
    ),
    (
        "No fewer than 300 civilians have been wounded.",
        [dict(value=300, qualifier="at_least", subject="injured", unit="civilians")],
    ),
    (
        "The death toll rose to 1,100 people, according to the health ministry.",
        [dict(value=1_100, qualifier="exact", subject="killed", attributed_to="health ministry")],
    ),
    (
        "More than a million people fled in the first week.",
        [dict(value=1e6, qualifier="more_than", subject="displaced")],
    ),
    (
        "Up to 5,000 people a day are crossing the border.",
        [dict(value=5_000, qualifier="up_to", subject="refugees")],
    ),
    (
        "About 3m people could be on the move within weeks, UNHCR warned.",
        [
            dict(
                value=3e6,
                qualifier="about",
                subject="displaced",
                estimate=True,
                attributed_to="UNHCR",
            )
        ],
    ),
    (
        "A further 250 people were injured on Saturday.",
        [dict(value=250, qualifier="exact", subject="injured", date="2022-03-05")],
    ),
    (
        "The city of 400,000 residents has been without water for days.",
        [dict(value=400_000, qualifier="exact", subject="other", unit="people")],
    ),
    (
        "Yesterday, 80,000 people crossed into Romania.",
        [
            dict(
                value=80_000,
                qualifier="exact",
                subject="refugees",
                date="2022-03-09",
                date_rule="relative",
            )
        ],
    ),
    (
        "In Kharkiv, 11 people were killed and 45 injured.",
        [
            dict(value=11, qualifier="exact", subject="killed"),
            dict(value=45, qualifier="exact", subject="injured"),
        ],
    ),
    (
        "The number of internally displaced people could rise to between 6 and 7 million.",
        [
            dict(
                value=6.5e6,
                qualifier="range",
                subject="displaced",
                low=6e6,
                high=7e6,
                estimate=True,
            )
        ],
    ),
    (
        "Nearly two million children have been forced from their homes.",
        [dict(value=2e6, qualifier="up_to", subject="displaced", unit="children")],
    ),
    (
        "UNHCR recorded 2.5 million arrivals in Poland, 367,000 in Hungary and 290,000 in Moldova.",
        [
            dict(value=2.5e6, qualifier="exact", subject="refugees", attributed_to="UNHCR"),
            dict(value=367_000, qualifier="exact", subject="refugees"),
            dict(value=290_000, qualifier="exact", subject="refugees"),
        ],
    ),
]

TRAPS = [
    "The war began in 2022 after years of tension.",
    "The second round of talks is planned for Monday.",
    "It was the biggest attack since World War 2.",
    "Kharkiv is the second-most-populated city in Ukraine.",
    "Talks resumed at 10:30 on 28 February.",
    "A 12-year-old boy was among those rescued.",
    "The woman, aged 70, refused to leave.",
    "Call the hotline on +380 44 281 6000 for help.",
    "Call (044) 281-6000 for information.",
    "It was one of the worst nights of the war.",
    "The convoy stretched for 40 miles north of Kyiv.",
    "Prices rose by 15% in a week.",
    "The Security Council met under Resolution 2202.",
    "The G7 leaders met on 24 February 2022.",
    "Fighting lasted 36 hours.",
    "The 1990s saw a different conflict.",
    "COVID-19 cases rose in the camps.",
    "Over 40 percent of the population has fled.",
    "The EU pledged $500 million in aid.",
    "Four days into the war, the capital was still standing.",
    "No one knows how many people have fled.",
    "He was the fifth person to testify on the 21st of March.",
    "Flight MH17 was shot down over Donetsk in 2014.",
    "The two sides met again on 3 March at 6 p.m.",
]

TRAPS += [
    "The report lists (1) shelter, (2) water and (3) health as priorities.",
]
