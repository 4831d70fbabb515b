"""Queries of the hot path whose SQL the ORM compiles once: reads (`CompiledQuery`) and the INSERT of a new row
(`CompiledInsert`).

Django compiles a queryset's SQL again at every evaluation. For the small lookups every request makes (the user's
roles, the advisor record behind an advisor's pages) that compilation costs more than the database: on the bench
machine, 0.31 ms of the 0.57 ms an advisor's lookup takes, against 0.14 ms for the same SQL executed directly
(bench/reports.py, report submission, measures what this saves).

`CompiledQuery(model, build)`: `build(*stand_ins)` returns the queryset, written with the ORM as usual, with one
stand-in per value it depends on; the first call on a database compiles it with stand-ins of the types of that call's
values (integers, strings, aware datetimes), and every call then runs the same SQL with its own values
(a datetime adapted for the database as the ORM adapts it), applies the fields' converters (the ORM's own, for the
database the call reads) and returns model instances, as `list(queryset)` would. The database is chosen as the ORM
would (the router's read database: the replica inside `reading_replica()`).

Kept to what it can do exactly: plain model rows (no select_related, annotations or values()), values compared in
lookups. Compiling checks it: a stand-in the SQL does not carry as a parameter, or a query of another shape, is an
error at the first call, not a wrong answer. Values of other types (a string where an integer was) compile again. tests/core/test_compiled.py
compares it with the ORM."""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db import connections, router
from django.db.models import signals, sql

STAND_IN = -7_357_913_000  # stand-in integers: STAND_IN - 0, STAND_IN - 1, …; strings and datetimes alike


def _stand_in(value, index: int):
    if isinstance(value, bool):
        raise TypeError("CompiledQuery : une valeur booléenne s'écrit dans la requête, pas en paramètre")
    if isinstance(value, int):
        return STAND_IN - index
    if isinstance(value, str):
        return f"cnfs-stand-in-{index}{STAND_IN}"
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return datetime.datetime(1901, 1, 1, 0, 0, 0, 7_357 + index, tzinfo=datetime.UTC)
    raise TypeError(f"CompiledQuery : valeur de type {type(value).__name__} non prise en charge")


@dataclass(frozen=True)
class _Plan:
    sql: str
    slots: tuple  # per parameter: ("value", index), ("datetime", index) or ("constant", value)
    attnames: tuple
    converters: tuple  # (position, functions, expression)


class _Compiled:
    def __init__(self, model):
        """`model`: the model class, or its label ("recruitment.Advisor") where importing it would be circular."""
        self._model = model
        self._plans: dict = {}  # compiled SQL, per database (and, for a query, types of the values)

    @property
    def model(self):
        if isinstance(self._model, str):
            self._model = apps.get_model(self._model)
        return self._model


class CompiledQuery(_Compiled):
    def __init__(self, model, build):
        super().__init__(model)
        self.build = build

    def __call__(self, *values) -> list:
        using = router.db_for_read(self.model)
        connection = connections[using]
        key = (using, *map(type, values))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._compile(using, values)
        params = []
        for kind, item in plan.slots:
            if kind == "value":
                params.append(values[item])
            elif kind == "datetime":
                params.append(connection.ops.adapt_datetimefield_value(values[item]))
            else:
                params.append(item)
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        instances = []
        for row in rows:
            if plan.converters:
                row = list(row)
                for position, functions, expression in plan.converters:
                    value = row[position]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[position] = value
            instances.append(self.model.from_db(using, plan.attnames, row))
        return instances

    def _compile(self, using: str, values) -> _Plan:
        stand_ins = [_stand_in(value, index) for index, value in enumerate(values)]
        queryset = self.build(*stand_ins)
        if queryset.model is not self.model:
            raise ValueError(f"{queryset.model.__name__} n'est pas {self.model.__name__}")
        query = queryset.query
        if query.select_related or query.annotation_select or query.values_select or query.extra_select:
            raise ValueError(
                "CompiledQuery ne lit que des lignes du modèle, sans jointure chargée ni annotation"
            )
        compiler = query.get_compiler(using)
        sql, params = compiler.as_sql()
        columns = [column for column, _, _ in compiler.select]
        attnames = tuple(column.target.attname for column in columns)
        if attnames != tuple(field.attname for field in self.model._meta.concrete_fields):
            raise ValueError("CompiledQuery lit toutes les colonnes du modèle, dans leur ordre")
        adapt = compiler.connection.ops.adapt_datetimefield_value
        found = {}
        for index, stand_in in enumerate(stand_ins):
            if isinstance(stand_in, datetime.datetime):
                found[(type(adapt(stand_in)), adapt(stand_in))] = ("datetime", index)
            else:
                found[(type(stand_in), stand_in)] = ("value", index)
        slots = []
        for param in params:
            key = (type(param), param)
            slots.append(found.get(key, ("constant", param)))
        missing = set(range(len(values))) - {slot[1] for slot in slots if slot[0] != "constant"}
        if missing:
            raise ValueError(f"valeurs absentes des paramètres de la requête : {sorted(missing)}")
        converters = tuple(
            (position, tuple(functions), expression)
            for position, (functions, expression) in compiler.get_converters(columns).items()
        )
        return _Plan(
            sql=sql,
            slots=tuple(slots),
            attnames=attnames,
            converters=converters,
        )


@dataclass(frozen=True)
class _Insert:
    sql: str
    fields: tuple
    returning: bool  # the new id comes back from the INSERT itself


class CompiledInsert(_Compiled):
    """`instance.save()` of a new row, with its INSERT compiled once per database: the same columns, the same values
    (each field's `pre_save` then `get_db_prep_save`, as the ORM prepares them), the new id read back. For the rows
    written at every report submitted (the report, its journal entry), where compiling the INSERT cost a third of
    the save.

    For models with an automatic id, no parent model and no database default, whose `save()` adds nothing for a new
    row (the caller answers for that). Each call checks the rest and otherwise calls `save()` itself: a row that
    already has an id, a pre_save or post_save receiver of the model, a value that is an SQL expression."""

    def __call__(self, instance):
        model = self.model
        if (
            type(instance) is not model
            or instance.pk is not None
            or signals.pre_save.has_listeners(model)
            or signals.post_save.has_listeners(model)
        ):
            instance.save()
            return instance
        instance._prepare_related_fields_for_save(operation_name="save")
        using = router.db_for_write(model, instance=instance)
        connection = connections[using]
        plan = self._plans.get(using)
        if plan is None:
            plan = self._plans[using] = self._compile(using, instance)
        params = []
        for field in plan.fields:
            value = field.pre_save(instance, add=True)
            if hasattr(value, "resolve_expression"):
                instance.save()
                return instance
            params.append(field.get_db_prep_save(value, connection=connection))
        meta = model._meta
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            if plan.returning:
                pk = cursor.fetchone()[0]
            else:
                pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
        instance.pk = pk
        instance._state.adding = False
        instance._state.db = using
        return instance

    def _compile(self, using: str, instance) -> _Insert:
        meta = self.model._meta
        if meta.auto_field is None or meta.parents:
            raise ValueError("CompiledInsert : un modèle à identifiant automatique et sans parent")
        fields = tuple(f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field)
        if any(field.has_db_default() for field in fields):
            raise ValueError("CompiledInsert : pas de valeur par défaut tenue par la base")
        connection = connections[using]
        returning = connection.features.can_return_columns_from_insert
        query = sql.InsertQuery(self.model)
        query.insert_values(list(fields), [instance])
        compiler = query.get_compiler(using)
        compiler.returning_fields = [meta.auto_field] if returning else None
        [(text, params)] = compiler.as_sql()
        if len(params) != len(fields) or text.count("%s") != len(fields):
            raise ValueError("CompiledInsert : une valeur par colonne, sans marque de paramètre particulière")
        return _Insert(sql=text, fields=fields, returning=returning)
