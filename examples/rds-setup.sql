-- Run once on your RDS / Aurora / Cloud SQL / PostgreSQL database, as a user allowed to create
-- extensions (on RDS: the master user, or a member of rds_superuser).
-- The operator prints these statements with the endpoint filled in:
--   kubectl get pgmlproxy pgml -o jsonpath='{.status.connectSql}'
-- Placeholders:
--   PROXY_HOST      the proxy's endpoint (status.endpoint.loadBalancer, or status.endpoint.host in-cluster)
--   PGML_DATABASE   the database name of your PostgresML URL
--   CLIENT_USER     the client user (Secret <name>-client-auth, key username; or your clientAuth.secretRef)
--   CLIENT_PASSWORD that Secret's password:
--                   kubectl get secret pgml-client-auth -o jsonpath='{.data.password}' | base64 -d

CREATE EXTENSION IF NOT EXISTS dblink;
CREATE EXTENSION IF NOT EXISTS postgres_fdw;

-- sslmode 'require' when the PgmlProxy has spec.tls (as in production.yaml); 'disable' without it.
CREATE SERVER IF NOT EXISTS postgresml FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host 'PROXY_HOST', port '6432', dbname 'PGML_DATABASE', sslmode 'require');

CREATE USER MAPPING IF NOT EXISTS FOR CURRENT_USER SERVER postgresml
  OPTIONS (user 'CLIENT_USER', password 'CLIENT_PASSWORD');

-- Check: an embedding computed by PostgresML, through the proxy.
SELECT *
FROM dblink('postgresml',
  'SELECT pgml.embed(''intfloat/e5-small-v2'', ''embed this text'')') AS t(embedding real[]);
