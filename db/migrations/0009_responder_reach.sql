-- How arc pages a responder: over MQTT (arc-responder, an app) or by the
-- site's page_command (an SMS or voice gateway, with the phone number).
ALTER TABLE responder ADD COLUMN reach TEXT NOT NULL DEFAULT 'mqtt'
    CHECK (reach IN ('mqtt', 'command'));
