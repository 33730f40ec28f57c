from trendlens.cli import main

raise SystemExit(main())
