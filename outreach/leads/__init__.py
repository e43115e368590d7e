"""Leads: the state machine (`status`), the pure planner its workflow follows (`planner`),
the plan a workflow reads (`plans`), the bodies (`schemas`), creating and editing leads
(`service`) and starting or signalling their workflows (`runs`)."""
