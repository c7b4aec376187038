"""The yardstick: a bare Flask endpoint served under the same gunicorn settings as EquipTrain."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "<!DOCTYPE html><html lang='en'><head><title>Bare</title></head><body><h1>Bare</h1></body></html>"
