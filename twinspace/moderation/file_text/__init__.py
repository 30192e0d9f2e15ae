"""The text pupils put inside uploaded files, for the moderation filters (README.md, Pupil
safety).

`FileTextReader` (async, in the server) runs `worker` (a child process with memory and CPU
limits) that reads one file with `readers`; `ocr` finds Tesseract for text inside images.
"""
