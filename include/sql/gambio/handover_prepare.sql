-- Session table with the orders to mark; one row per shop order and its history comment.
CREATE TEMPORARY TABLE IF NOT EXISTS hcs_bridge_handover (
    orders_id INT NOT NULL PRIMARY KEY,
    comments VARCHAR(255) NOT NULL
) ENGINE=MEMORY DEFAULT CHARSET=utf8mb4
