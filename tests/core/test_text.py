def test_an_amount_reads_the_french_way_and_never_wraps():
    from cnfs.core.text import euros

    assert euros("10000.00") == "10\u00a0000,00"
    assert euros(1234.5) == "1\u00a0234,50"
    assert euros(0) == "0,00"
    assert euros(None) == ""
