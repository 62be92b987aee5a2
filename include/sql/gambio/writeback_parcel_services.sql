-- The shop's carriers with their tracking url and customer text per language.
SELECT ps.parcel_service_id, ps.name, psd.language_id, psd.url, psd.comment
FROM parcel_services ps
LEFT JOIN parcel_services_description psd ON psd.parcel_service_id = ps.parcel_service_id
ORDER BY ps.parcel_service_id, psd.language_id
