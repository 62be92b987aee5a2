INSERT INTO hcs_bridge_stock (seq, target, row_id, quantity)
VALUES (%(seq)s, %(target)s, %(row_id)s, %(quantity)s)
