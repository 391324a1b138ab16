import numpy as np

from synthnb.datasets import adult_card, load_adult


def test_adult_is_the_full_uci_training_table():
    df = load_adult()
    assert df.shape == (32_561, 15)
    assert int(df.isna().sum().sum()) == 4_262
    assert set(df["income"].unique()) == {"<=50K", ">50K"}
    assert df["age"].dtype == np.int64
    # the famous gap: 10.9 % of women and 30.6 % of men earn >50K
    share = df.groupby("sex")["income"].apply(lambda s: (s == ">50K").mean())
    assert round(share["Female"], 3) == 0.109
    assert round(share["Male"], 3) == 0.306


def test_each_call_returns_a_new_frame():
    a = load_adult()
    a.loc[0, "age"] = -1
    assert load_adult().loc[0, "age"] == 39


def test_card_names_origin_and_licence():
    card = adult_card()
    assert "CC BY 4.0" in card
    assert "10.24432/C5XW20" in card
