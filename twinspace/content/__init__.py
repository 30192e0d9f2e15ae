"""What chat, boards and media share about pupil-authored items: author views, reactions,
visibility, teacher notices."""
