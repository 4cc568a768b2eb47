from lianzheng_cli.cli import main

main()
