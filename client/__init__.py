"""The newsroom service's client, for the desk (`KHULASA_SERVICE`) and `cli.py analyze|batch --service`: plain
HTTP (urllib), no Ray and no models in the caller's process."""
