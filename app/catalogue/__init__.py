"""The posted procedures: browsing and searching them (`listing`), reading one (`records`)."""
