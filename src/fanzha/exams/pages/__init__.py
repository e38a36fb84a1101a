"""The exam pages: public pages for candidates, console pages for officers."""
