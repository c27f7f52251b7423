-- A neutralized copy must never reach Chorus Pro: back to the embedded sandbox, secrets blanked.
UPDATE res_company
   SET chorus_environment = 'sandbox',
       chorus_sandbox_url = NULL,
       chorus_piste_client_id = NULL,
       chorus_piste_client_secret = NULL,
       chorus_login = NULL,
       chorus_password = NULL,
       chorus_connection_report = NULL;
DELETE FROM ir_config_parameter WHERE key = 'l10n_fr_chorus_connect.sandbox_url';
