"""The blocked closest-record search is exact: the same distances and positions as comparing every pair."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from synthnb.evaluation._context import sdtypes_of
from synthnb.evaluation._dcr import dcr, encode, nearest, nearest_brute, pair_distance


def _plain(q_cat, r_cat, q_num, r_num, ranges):
    """Every pair in plain Python (pair_distance): the closest distance of each query and all its distances."""
    n = q_cat.shape[1] + q_num.shape[1]
    every = [
        [n * pair_distance(q_cat[i], q_num[i], r_cat[j], r_num[j], ranges, n) for j in range(len(r_cat))]
        for i in range(len(q_cat))
    ]
    return np.array([min(d) for d in every], dtype=float), np.array(every, dtype=float)


@st.composite
def _tables(draw):
    """Small mixed tables with few distinct values (many ties), missing values and a constant column."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n_q, n_r = draw(st.integers(1, 40)), draw(st.integers(1, 60))
    n_cat, n_num = draw(st.integers(0, 4)), draw(st.integers(0, 3))
    if n_cat + n_num == 0:
        n_cat = 1
    levels = draw(st.integers(1, 4))
    q_cat, r_cat = rng.integers(-1, levels, (n_q, n_cat)), rng.integers(-1, levels, (n_r, n_cat))
    q_num, r_num = rng.integers(0, 5, (n_q, n_num)).astype(float), rng.integers(0, 5, (n_r, n_num)).astype(float)
    q_num[:, ::2] += rng.random((n_q, len(range(0, n_num, 2)))).round(2)  # some columns continuous-ish
    q_num[rng.random(q_num.shape) < 0.15] = np.nan
    r_num[rng.random(r_num.shape) < 0.15] = np.nan
    ranges = np.where(rng.random(n_num) < 0.8, 4.0, 0.0)  # a range of 0: equal or not
    return q_cat, r_cat, q_num, r_num, ranges


@settings(max_examples=150, deadline=None)
@given(_tables())
def test_blocked_search_equals_brute_force(tables):
    got = nearest(*tables)
    brute = nearest_brute(*tables)
    plain = _plain(*tables)
    np.testing.assert_array_equal(got[0], brute[0])  # bit for bit: the same sums in the same order
    np.testing.assert_array_equal(got[1], brute[1])
    np.testing.assert_allclose(got[0], plain[0], rtol=0, atol=1e-12)
    # the row found is a closest row in plain arithmetic too; plain Python sums the terms in another order, so
    # two rows at the same distance may differ in the last bit there and the first of them is not always the same
    found = plain[1][np.arange(len(got[1])), got[1]]
    np.testing.assert_allclose(found, plain[0], rtol=0, atol=1e-12)


def test_brute_force_keeps_the_first_row_on_ties_without_numbers():
    # categories only: every later tie must leave the first closest row in place
    q_cat = np.array([[0, 1]])
    r_cat = np.array([[1, 1], [0, 0], [0, 0], [1, 0]])
    empty = np.zeros((1, 0)), np.zeros((4, 0))
    for search in (nearest, nearest_brute):
        dist, index = search(q_cat, r_cat, empty[0], empty[1], np.zeros(0))
        assert (dist[0], index[0]) == (1.0, 0)


def test_dcr_on_adult_rows_equals_brute_force(run_3k):
    # real mixed data: synthetic rows against training rows, and held-out rows against training rows
    reference = run_3k.train.reset_index(drop=True)
    types = sdtypes_of(reference)
    for query in (run_3k.synthetic.head(800), run_3k.holdout):
        enc = encode(query, reference, types)
        want = nearest_brute(enc.query_cat, enc.ref_cat, enc.query_num, enc.ref_num, enc.ranges)
        got, idx = dcr(query, reference, types)
        np.testing.assert_array_equal(got, want[0] / enc.n_columns)
        np.testing.assert_array_equal(idx, want[1])


def test_dcr_with_far_rows_searches_every_block():
    # no query shares two categories with any reference row: the search must fall back to every block
    ref = pd.DataFrame({"a": list("abc"), "b": list("def"), "c": list("ghi"), "x": [1.0, 2.0, 3.0]})
    q = pd.DataFrame({"a": list("zc"), "b": list("yx"), "c": list("ig"), "x": [2.0, np.nan]})
    types = sdtypes_of(ref)
    enc = encode(q, ref, types)
    want = nearest_brute(enc.query_cat, enc.ref_cat, enc.query_num, enc.ref_num, enc.ranges)
    got, idx = dcr(q, ref, types)
    np.testing.assert_array_equal(got, want[0] / enc.n_columns)
    np.testing.assert_array_equal(idx, want[1])
    assert idx.tolist() == [2, 0]  # 2 + 0.5 vs 3 and 3.5; a tie at 3 between rows 0 and 2


def test_blocked_search_is_exact_when_the_category_keys_outgrow_int64():
    # 80 categorical columns of up to 30 values: 31**80 row keys, far past int64, so the keys are renumbered
    # on the way (a wide table such as 281 x 378 with dozens of categorical columns)
    from synthnb.evaluation._dcr import _row_keys

    rng = np.random.default_rng(3)
    r_cat = rng.integers(-1, 30, (150, 80))
    q_cat = np.vstack([r_cat[:20], rng.integers(-1, 30, (30, 80))])  # 20 exact copies, 30 new rows
    q_cat[25:30] = q_cat[20:25]  # and repeated new rows
    q_cat[20, 79] = r_cat[0, 79]
    q_num, r_num = rng.random((50, 2)), rng.random((150, 2))
    ranges = np.ones(2)
    q_key, r_key = _row_keys(q_cat, r_cat)
    for i in range(len(q_cat)):  # equal keys exactly when the rows are equal
        assert np.array_equal(r_key == q_key[i], (r_cat == q_cat[i]).all(axis=1))
        assert np.array_equal(q_key == q_key[i], (q_cat == q_cat[i]).all(axis=1))
    got, brute = nearest(q_cat, r_cat, q_num, r_num, ranges), nearest_brute(q_cat, r_cat, q_num, r_num, ranges)
    np.testing.assert_array_equal(got[0], brute[0])
    np.testing.assert_array_equal(got[1], brute[1])
