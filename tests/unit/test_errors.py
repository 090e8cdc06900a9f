from microcred.errors import InvalidInput, MicrocredError, Unavailable


def test_error_keeps_code_and_message() -> None:
    err = InvalidInput("Fix the file and retry.", code="bad_file")
    assert err.code == "bad_file"
    assert str(err) == "Fix the file and retry."
    assert isinstance(err, MicrocredError)
    assert err.exit_code == 2


def test_unavailable_maps_to_exit_code_3() -> None:
    assert Unavailable("try later").exit_code == 3
