"""The rules, free of Slack. One calling convention for units of work: an entry point
(what listeners, due work and the command line call) takes the `Store` first and opens
exactly one unit of work itself, `store.session()` to change and `store.reading()` to
read, re-checking there the state it depends on; a function that takes a `Session`
instead is a step inside another service's unit of work and is called only from the
services. Every query is a `bot.store` function."""
