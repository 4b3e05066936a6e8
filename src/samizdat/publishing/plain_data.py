"""Plain data and the bytes that name it: what a kept piece (kept_pieces.py) is made from, so what
its key is made of. Anything else (a model instance, a queryset) could show fields the key knows
nothing of, and is refused."""

import datetime
import io
import pickle
import types
from decimal import Decimal


class NotPlainData(TypeError):
    pass


PLAIN_TYPES = (str, int, float, bool, type(None), datetime.date, datetime.time, datetime.timedelta, Decimal)
# What pickling the plain types above refers to besides them: their time zones, and the classes
# and functions that rebuild them (a tuple's subclass is pickled as a tuple).
REBUILT_WITH = (*PLAIN_TYPES, datetime.tzinfo, tuple, list, dict)


class PlainPickler(pickle.Pickler):
    """Pickles plain data only, refusing anything else on the way: pickle's own walk, in C, which
    costs a fifteenth of a walk in Python (a story's full text is keyed by its whole body)."""

    def reducer_override(self, obj):
        if isinstance(obj, (*PLAIN_TYPES, datetime.tzinfo)) or isinstance(obj, types.BuiltinFunctionType):
            return NotImplemented
        if isinstance(obj, type) and issubclass(obj, REBUILT_WITH):
            return NotImplemented
        for base in (tuple, list, dict):
            if isinstance(obj, base):  # a NamedTuple: the key is its items, as a tuple's
                return base, (base(obj),)
        raise NotPlainData(
            f"{type(obj).__module__}.{type(obj).__qualname__} in the data: a kept template is rendered "
            "from plain data only (str, numbers, dates, tuples, lists, dicts), which its key is made of"
        )


def plain_key(value):
    """Bytes that name `value` and every type in it (a SafeString renders unlike a str), or
    NotPlainData if anything in it is not plain. Equal data built the same way gives equal bytes;
    anything else is at worst a piece made once more, never an old one shown."""
    out = io.BytesIO()
    PlainPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return out.getvalue()
