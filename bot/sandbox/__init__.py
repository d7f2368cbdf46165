"""Serve without a Slack workspace: the project's fake Slack, the real bot harnessed to
it on a clock that moves when told, and what runs on them (`servebot demo`, `servebot
simulate`, the tests and the benchmarks).

It ships with the package, so an installed Serve can show itself. The product layers
(listeners, services, views, store, runner, due work) never import it; only the command
line does, and only for `demo` and `simulate`."""
