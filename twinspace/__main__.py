from twinspace.app.cli import main

main()
