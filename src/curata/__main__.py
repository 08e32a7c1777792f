from curata.cli.main import main

main()
