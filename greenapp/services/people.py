"""A person's profile; the first authenticated request creates it."""

from greenapp.domain.people import Profile, checked_profile
from greenapp.services.context import Context
from greenapp.store.ports import ActivityStore, ActivityTx


def profile_of(store: ActivityStore, ctx: Context, user_id: str) -> Profile:
    """The person's profile, creating a default one on their first request."""
    known = store.read(lambda tx: tx.person(user_id))
    if known is not None:
        return known

    def create(tx: ActivityTx) -> Profile:
        existing = tx.person(user_id)
        if existing is not None:
            return existing
        tx.save_person(user_id, Profile(), ctx.now())
        return Profile()

    return store.write(create)


def update_profile(store: ActivityStore, ctx: Context, user_id: str, profile: Profile) -> Profile:
    checked = checked_profile(profile)
    store.write(lambda tx: tx.save_person(user_id, checked, ctx.now()))
    return checked
