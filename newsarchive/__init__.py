"""newsarchive: turns an archive of captured news articles into a static site."""
