"""Pupil safety: filters, policy, queue, actions and audit (docs/design.md, "Pupil safety").

``twinspace.moderation.filters`` holds the pure, synchronous content filters
(offensive language, personal data, links, addresses, image re-encoding);
the other parts of the pipeline build on their findings.
"""
