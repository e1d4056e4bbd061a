"""Copies of issue 16's C results (MyList entry, anime, episode, group, title
matches, queue jobs) into the plain values of datatypes.py. Each copy is made
before the caller frees the library's result."""

from __future__ import annotations

from ._native import (
    AnimeStruct,
    EpisodeStruct,
    GroupStruct,
    MyListChangeStruct,
    MyListEntryStruct,
    QueueListStruct,
    RecordOriginStruct,
    TitleSearchStruct,
    string_at,
)
from .datatypes import (
    Anime,
    Episode,
    Group,
    MyListChange,
    MyListChangeKind,
    MyListEntry,
    MyListState,
    QueueJob,
    QueueJobKind,
    QueueReason,
    RecordOrigin,
    TitleMatch,
)


def _enum_or_int(enum_type, value: int):
    try:
        return enum_type(value)
    except ValueError:
        return int(value)


def change(raw: MyListChangeStruct) -> MyListChange:
    return MyListChange(what=_enum_or_int(MyListChangeKind, raw.what), mylist_id=int(raw.mylist_id),
                        commands=int(raw.commands), job_id=int(raw.job_id),
                        reason=_enum_or_int(QueueReason, raw.reason), next_try_at=int(raw.next_try_at))


def entry(raw: MyListEntryStruct) -> MyListEntry:
    return MyListEntry(
        in_mylist=bool(raw.in_mylist), mylist_id=int(raw.mylist_id), file_id=int(raw.file_id),
        episode_id=int(raw.episode_id), anime_id=int(raw.anime_id), group_id=int(raw.group_id),
        state=_enum_or_int(MyListState, raw.state), viewdate=int(raw.viewdate),
        date_added=int(raw.date_added), source=string_at(raw.source), storage=string_at(raw.storage),
        other=string_at(raw.other), filestate=int(raw.filestate),
        from_local_state=bool(raw.from_local_state), confirmed_at=int(raw.confirmed_at))


def _origin(raw: RecordOriginStruct) -> RecordOrigin:
    return RecordOrigin(from_cache=bool(raw.from_cache), fetched_at=int(raw.fetched_at),
                        expires_at=int(raw.expires_at))


def _lines(pointer) -> tuple:
    text = string_at(pointer)
    return tuple(text.split("\n")) if text else ()


def anime(raw: AnimeStruct) -> Anime:
    return Anime(
        anime_id=int(raw.anime_id), title_romaji=string_at(raw.title_romaji),
        title_kanji=string_at(raw.title_kanji), title_english=string_at(raw.title_english),
        title_other=string_at(raw.title_other), short_names=_lines(raw.short_names),
        synonyms=_lines(raw.synonyms), type=string_at(raw.type), year=string_at(raw.year),
        episodes=int(raw.episodes), highest_episode=int(raw.highest_episode),
        special_count=int(raw.special_count), air_date=int(raw.air_date), end_date=int(raw.end_date),
        rating=int(raw.rating), vote_count=int(raw.vote_count),
        is_18_restricted=bool(raw.is_18_restricted), dateflags=int(raw.dateflags),
        url=string_at(raw.url), picname=string_at(raw.picname), origin=_origin(raw.origin))


def episode(raw: EpisodeStruct) -> Episode:
    return Episode(
        episode_id=int(raw.episode_id), anime_id=int(raw.anime_id), epno=string_at(raw.epno),
        title_english=string_at(raw.title_english), title_romaji=string_at(raw.title_romaji),
        title_kanji=string_at(raw.title_kanji), length_minutes=int(raw.length_minutes),
        rating=int(raw.rating), votes=int(raw.votes), aired=int(raw.aired), type=int(raw.type),
        origin=_origin(raw.origin))


def group(raw: GroupStruct) -> Group:
    return Group(
        group_id=int(raw.group_id), name=string_at(raw.name), short_name=string_at(raw.short_name),
        irc_channel=string_at(raw.irc_channel), irc_server=string_at(raw.irc_server),
        url=string_at(raw.url), picname=string_at(raw.picname), rating=int(raw.rating),
        votes=int(raw.votes), anime_count=int(raw.anime_count), file_count=int(raw.file_count),
        founded=int(raw.founded), disbanded=int(raw.disbanded), last_release=int(raw.last_release),
        last_activity=int(raw.last_activity), origin=_origin(raw.origin))


def title_matches(raw: TitleSearchStruct) -> list[TitleMatch]:
    return [TitleMatch(anime_id=int(m.anime_id), main_title=string_at(m.main_title),
                       title=string_at(m.title), type=int(m.type), lang=string_at(m.lang),
                       score=int(m.score))
            for m in (raw.matches[i] for i in range(raw.count))]


def queue_jobs(raw: QueueListStruct) -> list[QueueJob]:
    return [QueueJob(id=int(j.id), kind=_enum_or_int(QueueJobKind, j.kind), file_size=int(j.file_size),
                     ed2k=string_at(j.ed2k), failed=bool(j.failed), running=bool(j.running),
                     reason=_enum_or_int(QueueReason, j.reason), detail=string_at(j.detail),
                     attempts=int(j.attempts), created_at=int(j.created_at),
                     next_try_at=int(j.next_try_at))
            for j in (raw.jobs[i] for i in range(raw.count))]
