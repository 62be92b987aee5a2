-- Session table of the new stock values a run will write. target is 1 for
-- products.products_quantity, 2 for products_properties_combis.combi_quantity and 3 for
-- products_attributes.attributes_stock; row_id is that table's primary key. seq numbers the
-- rows, so they can be written in batches. InnoDB, because a MEMORY table has a size limit.
CREATE TEMPORARY TABLE hcs_bridge_stock (
    seq INT UNSIGNED NOT NULL PRIMARY KEY,
    target TINYINT UNSIGNED NOT NULL,
    row_id INT UNSIGNED NOT NULL,
    quantity DECIMAL(15,4) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
