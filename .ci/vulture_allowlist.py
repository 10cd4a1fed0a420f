# Names the dead-code check (vulture, run by scripts/test) cannot see being used. Each is used by a
# framework, not by our code: pytest hooks, fixtures and marks; attributes pydeck or a dataclass
# consumer reads. Referencing them here marks them as used.
pytest_collection_modifyitems  # noqa
pytest_configure  # noqa
pytest_unconfigure  # noqa
pytestmark  # noqa
_zoo_db  # noqa: autouse fixtures
_fresh_caches  # noqa: autouse fixture
_kill_leftovers  # noqa: atexit
map_style  # noqa: pydeck Deck attribute, serialised
page_name  # noqa: Streamlit protobuf field
string_value  # noqa: Streamlit protobuf field
p_value  # noqa: Correlation field, read in tests
required_width  # noqa: AuditFailure field, printed
separator  # noqa: statline.Format field, part of the detected format
