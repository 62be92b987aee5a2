INSERT INTO hcs_bridge_handover (orders_id, comments) VALUES (%(orders_id)s, %(comments)s)
