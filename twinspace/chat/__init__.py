"""Project chat: channels, messages, reactions and read state, with their moderation and views."""
