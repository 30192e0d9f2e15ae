"""Guardian consent for pupil accounts: states, ages of digital consent, printables."""
