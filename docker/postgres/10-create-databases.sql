-- Runs once, when the postgres container initialises an empty data volume:
-- one database per service (each service owns its database; see docs/architecture.md).
CREATE DATABASE ecom_identity_commerce;
CREATE DATABASE ecom_catalog_fulfillment;
CREATE DATABASE ecom_notifications;
