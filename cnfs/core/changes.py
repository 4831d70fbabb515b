"""A value of a row that a save changes: read before the save and after it, and `callback(instance, before, after)`
called when they differ, inside the save's transaction when there is one. Used for the moves that totals kept per
département must follow (a structure's département, an advisor's structure's département)."""

from django.db.models.signals import post_save, pre_save


def on_change(model, path: str, callback, *, uid: str) -> None:
    """Connects `callback` to the saves of `model` rows (not creations, not fixtures) that change `path` — a field,
    or a field followed through relations (`structure__departement_id`). A save with `update_fields` that leave
    out the first field of `path` reads nothing."""
    first = path.split("__")[0]
    field = next(f for f in model._meta.concrete_fields if first in (f.name, f.attname))
    names = {field.name, field.attname}
    remembered = f"_{uid.replace('.', '_')}_before"

    def read(pk):
        return model._default_manager.filter(pk=pk).values_list(path, flat=True).first()

    def before_save(sender, instance, raw=False, update_fields=None, **kwargs):
        setattr(instance, remembered, None)
        if raw or instance._state.adding or not instance.pk:
            return
        if update_fields is not None and not names & set(update_fields):
            return
        setattr(instance, remembered, (read(instance.pk),))

    def after_save(sender, instance, raw=False, **kwargs):
        kept = getattr(instance, remembered, None)
        setattr(instance, remembered, None)
        if raw or kept is None:
            return
        after = read(instance.pk)
        if after != kept[0]:
            callback(instance, kept[0], after)

    pre_save.connect(before_save, sender=model, weak=False, dispatch_uid=f"{uid}.before")
    post_save.connect(after_save, sender=model, weak=False, dispatch_uid=f"{uid}.after")
