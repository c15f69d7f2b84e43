"""Citizens' feedback and satisfaction ratings: the criteria (as data), the forms, the writes and
the published figures. Nothing here knows Flask except `forms`."""
