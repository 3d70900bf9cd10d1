"""What holds a thread or a socket open while the user looks: the stream reader, the stats
hub and its watches, exec terminals, and the log follower."""
