CREATE TABLE event_log (message varchar(100));
